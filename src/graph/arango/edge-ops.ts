/**
 * Direct mode on edge collections on ArangoDB, mirroring sqlite/edge-ops.ts: insert
 * (endpoints checked in the same query; a `blocks` edge of a started workflow keeps the
 * counters right or is refused, by ../direct-mode-rules.ts, in the same stream
 * transaction) and list.
 */
import { childKey } from '../../core/keys.js';
import { NotFoundError, ValidationError, type FieldIssue } from '../../core/errors.js';
import { EDGE_ENDPOINTS, parseDocId, type EdgeCollection, type EdgeDoc } from '../../core/model.js';
import type { ListOptions, Page } from '../graph-store.js';
import { checkInsertEdge, planBlocksInsert } from '../direct-mode-rules.js';
import type { ArangoContext } from './arango-context.js';
import { blocksView, writeCounter } from './direct-mode-view.js';
import { listDocuments } from './document-ops.js';
import { cleanPatch, conflictNamed } from './documents.js';
import { insertEdgeQuery } from './queries/insert-edge.js';
import { requireWorkflow } from './workflow-ops.js';

/** Shape problems of `_from`/`_to` that need no database read. */
function endpointShapeIssues(
  collection: EdgeCollection,
  workflow: string,
  body: Record<string, unknown>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const [fromCollection, toCollection] = EDGE_ENDPOINTS[collection];
  for (const [field, expected] of [
    ['_from', fromCollection],
    ['_to', toCollection],
  ] as const) {
    const id = body[field];
    const parsed = typeof id === 'string' ? parseDocId(id) : undefined;
    if (!parsed || parsed.collection !== expected) {
      issues.push({ path: field, message: `must be the _id of a ${expected} document of workflow ${workflow}` });
    }
  }
  return issues;
}

export async function insertEdge(
  ctx: ArangoContext,
  workflow: string,
  collection: EdgeCollection,
  body: Record<string, unknown>,
): Promise<EdgeDoc> {
  const issues = endpointShapeIssues(collection, workflow, body);
  if (issues.length) {
    await requireWorkflow(ctx.run, workflow);
    throw new ValidationError(issues);
  }
  const key = typeof body._key === 'string' && body._key !== '' ? body._key : childKey(workflow);
  const edge = { ...cleanPatch(body, ['_id']), _key: key, workflow };
  const row = await ctx.transaction([collection, 'jobs'], async (run) => {
    const wf = await requireWorkflow(run, workflow);
    checkInsertEdge(collection, wf, body);
    // endpointShapeIssues checked both are `_id`s of the right collections.
    const blocker = parseDocId(body._from as string)!.key;
    const dependent = parseDocId(body._to as string)!.key;
    const view = collection === 'blocks' ? await blocksView(run, workflow, blocker, dependent) : undefined;
    const counter = view && planBlocksInsert(wf, blocker, dependent, view);
    const inserted = await conflictNamed(collection, key, () => run.one(insertEdgeQuery(collection, workflow, edge)));
    if (inserted?.edge && counter) await writeCounter(run, counter);
    return inserted;
  });
  if (!row || row.problem === 'workflow') throw new NotFoundError('workflows', workflow);
  if (row.problem) {
    const expected = EDGE_ENDPOINTS[collection][row.problem === '_from' ? 0 : 1];
    throw new ValidationError([
      {
        path: row.problem,
        message: `must be the _id of a ${expected} document of workflow ${workflow}; ${String(body[row.problem])} does not exist in it`,
      },
    ]);
  }
  return row.edge as EdgeDoc;
}

export async function listEdges(
  ctx: ArangoContext,
  workflow: string,
  collection: EdgeCollection,
  options?: ListOptions,
): Promise<Page<EdgeDoc>> {
  return (await listDocuments(ctx, workflow, collection, options)) as Page<EdgeDoc>;
}
