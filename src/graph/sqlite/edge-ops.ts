/**
 * Direct mode on edge collections: insert (endpoints checked) and list. A `blocks` edge
 * added to a started workflow keeps the counters right, or is refused, by the Direct-mode
 * rules (../direct-mode-rules.ts); other relation edges added after the start derive no
 * `blocks` edge (that happens once, at start).
 */
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import { childKey } from '../../core/keys.js';
import { EDGE_ENDPOINTS, docId, parseDocId, type EdgeCollection, type EdgeDoc } from '../../core/model.js';
import { checkInsertEdge, planBlocksInsert } from '../direct-mode-rules.js';
import type { ListOptions, Page } from '../graph-store.js';
import { blocksView, writeCounter } from './direct-mode-view.js';
import { EDGE_COLUMNS, edgeFromRow, insertEdgeRow, readDoc, type EdgeRow } from './doc-rows.js';
import { paging } from '../list-paging.js';
import { filterWhere } from './list-query.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

/** Why `id` cannot be this end of the edge, or undefined when it can. */
function endpointProblem(ctx: SqliteContext, workflow: string, id: unknown, expected: string): string | undefined {
  const message = `must be the _id of a ${expected} document of workflow ${workflow}`;
  if (typeof id !== 'string') return message;
  const parsed = parseDocId(id);
  if (!parsed || parsed.collection !== expected) return message;
  const stored = readDoc(ctx, parsed.collection, parsed.key);
  if (!stored || stored.workflow !== workflow) return `${message}; ${id} does not exist in it`;
  return undefined;
}

export function insertEdge(
  ctx: SqliteContext,
  workflow: string,
  collection: EdgeCollection,
  body: Record<string, unknown>,
): EdgeDoc {
  return ctx.write(() => {
    const wf = requireWorkflow(ctx, workflow);
    checkInsertEdge(collection, wf, body);
    const [fromCollection, toCollection] = EDGE_ENDPOINTS[collection];
    const issues: FieldIssue[] = [];
    const fromProblem = endpointProblem(ctx, workflow, body._from, fromCollection);
    if (fromProblem) issues.push({ path: '_from', message: fromProblem });
    const toProblem = endpointProblem(ctx, workflow, body._to, toCollection);
    if (toProblem) issues.push({ path: '_to', message: toProblem });
    if (issues.length) throw new ValidationError(issues);
    const key = typeof body._key === 'string' && body._key !== '' ? body._key : childKey(workflow);
    const edge = { ...body, _key: key, _id: docId(collection, key), workflow } as EdgeDoc;
    const counter =
      collection === 'blocks'
        ? planBlocksInsert(wf, parseDocId(edge._from)!.key, parseDocId(edge._to)!.key, blocksView(ctx))
        : undefined;
    insertEdgeRow(ctx, collection, edge, workflow);
    if (counter) writeCounter(ctx, counter);
    return edge;
  });
}

export function listEdges(
  ctx: SqliteContext,
  workflow: string,
  collection: EdgeCollection,
  options?: ListOptions,
): Page<EdgeDoc> {
  const { offset, limit } = paging(options);
  const where = filterWhere(options?.filter, { _key: '_key', workflow: 'workflow', _from: '_from', _to: '_to' });
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    // Endpoint filters are traversals: their index beats walking the workflow's edges in key order.
    const index =
      options?.filter?._from !== undefined
        ? 'edges_from'
        : options?.filter?._to !== undefined
          ? 'edges_to'
          : 'edges_workflow';
    const from = `edges INDEXED BY ${index} WHERE workflow = ? AND collection = ?${where.sql}`;
    const total = (
      ctx.stmt(`SELECT count(*) AS n FROM ${from}`).get(workflow, collection, ...where.params) as { n: number }
    ).n;
    const rows = ctx
      .stmt(`SELECT ${EDGE_COLUMNS} FROM ${from} ORDER BY _key LIMIT ? OFFSET ?`)
      .all(workflow, collection, ...where.params, limit, offset) as EdgeRow[];
    return { items: rows.map(edgeFromRow), total };
  });
}
