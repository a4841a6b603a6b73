/**
 * Direct mode on ArangoDB: documents and edges of one workflow, and events.
 */
import { childKey } from '../../core/keys.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../core/errors.js';
import {
  EDGE_COLLECTIONS,
  EDGE_ENDPOINTS,
  docId,
  parseDocId,
  type BaseDoc,
  type EdgeCollection,
  type EdgeDoc,
  type EventDoc,
  type WorkflowCollection,
} from '../../core/model.js';
import type { ListOptions, Page } from '../graph-store.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { ARANGO_ERRORS, hasErrorNum } from './arango-errors.js';
import { fillJobDefaults } from '../job-defaults.js';
import { cleanPatch } from './documents.js';
import { insertEdgeQuery } from './queries/insert-edge.js';
import { listPageQuery } from './queries/list-page.js';
import {
  getOwnedQuery,
  removeOwnedQuery,
  removeTouchingEdgesQuery,
  updateOwnedQuery,
} from './queries/workflow-queries.js';
import { requireWorkflow } from './workflow-ops.js';

/** Run `work`, turning a unique-constraint violation into a ConflictError naming the key. */
async function conflictNamed<T>(collection: string, key: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Review fix: `ctx.run` already maps errors (withRetry → mapArangoError), so outside a
    // transaction the raw errorNum never reaches here; a mapped ConflictError is renamed too.
    if (hasErrorNum(err, ARANGO_ERRORS.UNIQUE_CONSTRAINT) || err instanceof ConflictError) {
      throw new ConflictError(`${collection}/${key ?? '?'} already exists`, { collection, key });
    }
    throw err;
  }
}

export async function insertDocument(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection,
  body: Record<string, unknown>,
): Promise<BaseDoc> {
  await requireWorkflow(ctx.run, workflow);
  const given = typeof body._key === 'string' && body._key !== '' ? body._key : undefined;
  // Events without a key get one from the collection's `padded` generator (insertion order).
  const key = given ?? (collection === 'events' ? undefined : childKey(workflow));
  const doc: Record<string, unknown> = { ...cleanPatch(body, ['_key', '_id']), workflow };
  if (key !== undefined) doc._key = key;
  if (collection === 'events' && doc.timestamp === undefined) doc.timestamp = new Date().toISOString();
  if (collection === 'jobs') fillJobDefaults(doc as BaseDoc, 'body');
  const inserted = await conflictNamed(collection, key, () =>
    ctx.run.one<BaseDoc>({
      // The workflow is checked again here: it may have been deleted since.
      query: `
        FOR w IN workflows
          FILTER w._key == @wf
          INSERT @doc INTO @@col
          RETURN UNSET(NEW, '_rev')`,
      bindVars: { '@col': collection, wf: workflow, doc },
    }),
  );
  if (!inserted) throw new NotFoundError('workflows', workflow);
  return inserted;
}

/** @throws NotFoundError when absent or owned by another workflow */
export async function getDocument(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
): Promise<BaseDoc> {
  const doc = await ctx.run.one(getOwnedQuery<BaseDoc>(collection, workflow, key));
  if (!doc) throw new NotFoundError(collection, key);
  return doc;
}

export async function listDocuments(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection | EdgeCollection,
  options?: ListOptions,
): Promise<Page<BaseDoc>> {
  const query = listPageQuery<BaseDoc>(collection, workflow, options);
  await requireWorkflow(ctx.run, workflow);
  return (await ctx.run.one(query)) ?? { items: [], total: 0 };
}

export async function updateDocument(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
  patch: Record<string, unknown>,
): Promise<BaseDoc> {
  const clean = cleanPatch(patch, ['_key', '_id', 'workflow']);
  if (collection === 'jobs') {
    // Check the lifecycle fields the patch sets, on a copy with neutral defaults.
    fillJobDefaults({ _key: key, _id: docId(collection, key), ...clean }, 'patch');
  }
  const updated = await ctx.run.one(updateOwnedQuery(collection, workflow, key, clean));
  if (!updated) throw new NotFoundError(collection, key);
  return updated;
}

/** Edge collections that can touch a document of `collection`. */
function edgeCollectionsTouching(collection: string): EdgeCollection[] {
  return EDGE_COLLECTIONS.filter((e) => EDGE_ENDPOINTS[e].includes(collection as never));
}

export async function deleteDocument(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
): Promise<void> {
  const edges = edgeCollectionsTouching(collection);
  await ctx.transaction([collection, ...edges], async (run) => {
    const removed = await run.all(removeOwnedQuery(collection, workflow, key));
    if (removed.length === 0) throw new NotFoundError(collection, key);
    for (const edge of edges) await run.all(removeTouchingEdgesQuery(edge, docId(collection, key)));
  });
}

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
  const row = await conflictNamed(collection, key, () => ctx.run.one(insertEdgeQuery(collection, workflow, edge)));
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

type NewEvent = Omit<EventDoc, '_key' | '_id' | 'timestamp'> & { timestamp?: string };

/** Events in bulk; keys from the `padded` generator keep them in insertion order. */
export async function appendEvents(ctx: ArangoContext, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date().toISOString();
  events.forEach((e, i) => {
    if (typeof e.workflow !== 'string')
      throw new ValidationError([{ path: `events[${i}].workflow`, message: 'required' }]);
  });
  const docs = events.map((e) => ({ ...cleanPatch(e, ['_key', '_id']), timestamp: e.timestamp ?? now }));
  await ctx.transaction(['events'], async (run) => {
    for (const workflow of new Set(events.map((e) => e.workflow as string))) await requireWorkflow(run, workflow);
    await insertMany(run, 'events', docs);
  });
}
