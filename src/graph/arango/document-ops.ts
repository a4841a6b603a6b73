/**
 * Direct mode on ArangoDB, mirroring sqlite/document-ops.ts: insert, get, list, update and
 * delete documents of one workflow — each write one stream transaction that checks the
 * Direct-mode rules (../direct-mode-rules.ts) on what it read.
 */
import { childKey } from '../../core/keys.js';
import { NotFoundError } from '../../core/errors.js';
import {
  EDGE_COLLECTIONS,
  EDGE_ENDPOINTS,
  docId,
  type BaseDoc,
  type EdgeCollection,
  type WorkflowCollection,
} from '../../core/model.js';
import { checkDeleteDocument, checkInsertDocument, checkUpdateDocument } from '../direct-mode-rules.js';
import type { ListOptions, Page } from '../graph-store.js';
import type { ArangoContext } from './arango-context.js';
import { fillJobDefaults } from '../job-defaults.js';
import { runsAttempt } from './direct-mode-view.js';
import { cleanPatch, conflictNamed } from './documents.js';
import { listPageQuery } from './queries/list-page.js';
import {
  getOwnedQuery,
  removeOwnedQuery,
  removeTouchingEdgesQuery,
  updateOwnedQuery,
} from './queries/workflow-queries.js';
import { requireWorkflow } from './workflow-ops.js';

export async function insertDocument(
  ctx: ArangoContext,
  workflow: string,
  collection: WorkflowCollection,
  body: Record<string, unknown>,
): Promise<BaseDoc> {
  const given = typeof body._key === 'string' && body._key !== '' ? body._key : undefined;
  // Events without a key get one from the collection's `padded` generator (insertion order).
  const key = given ?? (collection === 'events' ? undefined : childKey(workflow));
  const doc: Record<string, unknown> = { ...cleanPatch(body, ['_key', '_id']), workflow };
  if (key !== undefined) doc._key = key;
  if (collection === 'events' && doc.timestamp === undefined) doc.timestamp = new Date().toISOString();
  return ctx.transaction([collection], async (run) => {
    checkInsertDocument(collection, await requireWorkflow(run, workflow), body);
    if (collection === 'jobs') fillJobDefaults(doc as BaseDoc, 'body');
    const inserted = await conflictNamed(collection, key, () =>
      run.one<BaseDoc>({
        query: `INSERT @doc INTO @@col RETURN UNSET(NEW, '_rev')`,
        bindVars: { '@col': collection, doc },
      }),
    );
    return inserted!;
  });
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
  return ctx.transaction([collection], async (run) => {
    const wf = await requireWorkflow(run, workflow);
    const stored = await run.one(getOwnedQuery<BaseDoc>(collection, workflow, key));
    if (!stored) throw new NotFoundError(collection, key);
    checkUpdateDocument(collection, wf, stored, clean);
    return (await run.one(updateOwnedQuery(collection, workflow, key, clean)))!;
  });
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
    const wf = await requireWorkflow(run, workflow);
    const stored = await run.one(getOwnedQuery<BaseDoc>(collection, workflow, key));
    if (!stored) throw new NotFoundError(collection, key);
    // The rule reads a synchronous view: ask only where it matters.
    const running = collection === 'compute_nodes' && wf.status === 'running' && (await runsAttempt(run, key));
    checkDeleteDocument(collection, wf, stored, { runsAttempt: () => running });
    await run.all(removeOwnedQuery(collection, workflow, key));
    for (const edge of edges) await run.all(removeTouchingEdgesQuery(edge, docId(collection, key)));
  });
}
