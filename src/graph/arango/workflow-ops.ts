/**
 * Whole-workflow operations on ArangoDB: create (bulk, one stream transaction), get,
 * list, update, delete (one transaction), export (one read transaction = one snapshot).
 */
import { noteAuditedWorkflow } from '../../core/audit-scope.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import {
  EDGE_COLLECTIONS,
  WORKFLOW_COLLECTIONS,
  docId,
  type BaseDoc,
  type EdgeDoc,
  type WorkflowBundle,
  type WorkflowDoc,
} from '../../core/model.js';
import type { ListOptions, Page } from '../graph-store.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { bundleWorkflowDoc, checkBundleEdges, checkWorkflowStatus } from '../bundle-checks.js';
import { fillJobDefaults } from '../job-defaults.js';
import { cleanPatch } from './documents.js';
import { listPageQuery } from './queries/list-page.js';
import {
  allOfWorkflowQuery,
  getWorkflowQuery,
  removeByWorkflowQuery,
  updateWorkflowQuery,
} from './queries/workflow-queries.js';
import type { QueryRunner } from './query-runner.js';

/** Every collection a workflow writes to, for stream transactions that touch them all. */
export const ALL_WORKFLOW_COLLECTIONS: readonly string[] = ['workflows', ...WORKFLOW_COLLECTIONS, ...EDGE_COLLECTIONS];

/** @throws NotFoundError */
export async function requireWorkflow(run: QueryRunner, key: string): Promise<WorkflowDoc> {
  const doc = await run.one(getWorkflowQuery(key));
  if (!doc) throw new NotFoundError('workflows', key);
  return doc;
}

export async function createWorkflow(ctx: ArangoContext, bundle: WorkflowBundle): Promise<WorkflowDoc> {
  const workflow = bundleWorkflowDoc(bundle);
  const key = workflow._key;

  const ids = new Set<string>();
  const documents = new Map<string, BaseDoc[]>();
  for (const collection of WORKFLOW_COLLECTIONS) {
    const docs = (bundle.documents[collection] ?? []).map((doc, i) => {
      if (typeof doc._key !== 'string' || doc._key === '') {
        throw new ValidationError([{ path: `documents.${collection}[${i}]._key`, message: 'required' }]);
      }
      const id = docId(collection, doc._key);
      ids.add(id);
      const stored: BaseDoc = { ...doc, _id: id, workflow: key };
      if (collection === 'jobs') fillJobDefaults(stored, `documents.jobs[${i}]`);
      return stored;
    });
    documents.set(collection, docs);
  }
  checkBundleEdges(bundle, ids);

  await ctx.transaction(ALL_WORKFLOW_COLLECTIONS, async (run) => {
    // The workflow first: a duplicate workflow key fails before any bulk work.
    await insertMany(run, 'workflows', [workflow]);
    for (const [collection, docs] of documents) await insertMany(run, collection, docs);
    for (const collection of EDGE_COLLECTIONS) {
      const edges = (bundle.edges[collection] ?? []).map((edge) => ({ ...edge, workflow: key }));
      await insertMany(run, collection, edges);
    }
    noteAuditedWorkflow(key);
  });
  return workflow;
}

export async function getWorkflow(ctx: ArangoContext, key: string): Promise<WorkflowDoc> {
  return requireWorkflow(ctx.run, key);
}

export async function listWorkflows(ctx: ArangoContext, options?: ListOptions): Promise<Page<WorkflowDoc>> {
  const page = await ctx.run.one(listPageQuery<WorkflowDoc>('workflows', undefined, options));
  return page ?? { items: [], total: 0 };
}

export async function updateWorkflow(
  ctx: ArangoContext,
  key: string,
  patch: Partial<WorkflowDoc>,
): Promise<WorkflowDoc> {
  const clean = cleanPatch(patch, ['_key', '_id']);
  if ('status' in clean) checkWorkflowStatus(clean as WorkflowDoc, 'patch');
  // A transaction (of one query) so that a signed-in request's audit event is written with it.
  const updated = await ctx.transaction(['workflows'], (run) => run.one(updateWorkflowQuery(key, clean)));
  if (!updated) throw new NotFoundError('workflows', key);
  return updated;
}

export async function deleteWorkflow(ctx: ArangoContext, key: string): Promise<void> {
  await ctx.transaction(ALL_WORKFLOW_COLLECTIONS, async (run) => {
    await requireWorkflow(run, key);
    for (const collection of [...EDGE_COLLECTIONS, ...WORKFLOW_COLLECTIONS])
      await run.all(removeByWorkflowQuery(collection, key));
    await run.all({ query: 'REMOVE @key IN workflows', bindVars: { key } });
  });
}

/** Bytewise `_key` order, as SQLite's `ORDER BY _key` (AQL's SORT may collate differently). */
function byKey(a: BaseDoc, b: BaseDoc): number {
  return a._key < b._key ? -1 : a._key > b._key ? 1 : 0;
}

/** Collections in model order, each by `_key`: two exports of the same data stringify identically. */
export async function exportWorkflow(ctx: ArangoContext, key: string): Promise<WorkflowBundle> {
  // A read-only transaction: every query reads the same snapshot.
  return ctx.transaction(
    [],
    async (run) => {
      const workflow = await requireWorkflow(run, key);
      const documents: WorkflowBundle['documents'] = {};
      for (const collection of WORKFLOW_COLLECTIONS) {
        documents[collection] = (await run.all(allOfWorkflowQuery<BaseDoc>(collection, key))).sort(byKey);
      }
      const edges: WorkflowBundle['edges'] = {};
      for (const collection of EDGE_COLLECTIONS) {
        edges[collection] = (await run.all(allOfWorkflowQuery<EdgeDoc>(collection, key))).sort(byKey);
      }
      return { workflow, documents, edges };
    },
    ALL_WORKFLOW_COLLECTIONS,
  );
}
