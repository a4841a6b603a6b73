/**
 * listEventsAfter on ArangoDB, mirroring sqlite/list-events-after.ts: the `events`
 * collection's `padded` keys sort in insertion order (ensure-schema.ts).
 */
import type { EventDoc } from '../../core/model.js';
import { paging } from '../list-paging.js';
import type { ArangoContext } from './arango-context.js';
import { requireWorkflow } from './workflow-ops.js';

export async function listEventsAfter(
  ctx: ArangoContext,
  workflow: string,
  afterKey: string | undefined,
  limit: number,
): Promise<EventDoc[]> {
  const { limit: capped } = paging({ limit });
  await requireWorkflow(ctx.run, workflow);
  return ctx.run.all<EventDoc>({
    query: `
      FOR e IN events
        FILTER e.workflow == @wf AND e._key > @after
        SORT e._key
        LIMIT @limit
        RETURN UNSET(e, '_rev')`,
    bindVars: { wf: workflow, after: afterKey ?? '', limit: capped },
  });
}
