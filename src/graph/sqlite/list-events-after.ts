/**
 * listEventsAfter on SQLite: events are `docs` rows of collection `events`, and their keys
 * (core/keys.ts `eventKey`) sort in the order they were written.
 */
import type { EventDoc } from '../../core/model.js';
import { paging } from '../list-paging.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

export function listEventsAfter(
  ctx: SqliteContext,
  workflow: string,
  afterKey: string | undefined,
  limit: number,
): EventDoc[] {
  const { limit: capped } = paging({ limit });
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    const rows = ctx
      .stmt(`SELECT doc FROM docs WHERE workflow = ? AND collection = 'events' AND _key > ? ORDER BY _key LIMIT ?`)
      .all(workflow, afterKey ?? '', capped) as Array<{ doc: string }>;
    return rows.map((r) => JSON.parse(r.doc) as EventDoc);
  });
}
