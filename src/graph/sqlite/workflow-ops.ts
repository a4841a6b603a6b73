/**
 * Whole-workflow operations: create (bulk, one transaction), get, list, update, delete, export.
 */
import { noteAuditedWorkflow } from '../../core/audit-scope.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import {
  EDGE_COLLECTIONS,
  WORKFLOW_COLLECTIONS,
  docId,
  type BaseDoc,
  type WorkflowBundle,
  type WorkflowDoc,
} from '../../core/model.js';
import type { ListOptions, Page } from '../graph-store.js';
import { BatchedInsert } from './batched-insert.js';
import { EDGE_COLUMNS, JOB_ROW_COLUMNS, conflict, edgeExtras, edgeFromRow, jobRow, type EdgeRow } from './doc-rows.js';
import { paging } from '../list-paging.js';
import { filterWhere } from './list-query.js';
import type { SqliteContext } from './sqlite-context.js';
import { isUniqueViolation } from './sqlite-errors.js';
import { bundleWorkflowDoc, checkBundleEdges } from '../bundle-checks.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

/**
 * Check the bundle, then write it in one transaction (a failed create leaves nothing), row
 * batches streaming from the bundle: documents are completed (`_id`, `workflow`) and
 * serialized one at a time, so no second copy of a million-job bundle is held.
 */
export function createWorkflow(ctx: SqliteContext, bundle: WorkflowBundle): WorkflowDoc {
  const workflow = bundleWorkflowDoc(bundle);
  const key = workflow._key;

  const ids = new Set<string>();
  for (const collection of WORKFLOW_COLLECTIONS) {
    (bundle.documents[collection] ?? []).forEach((doc, i) => {
      if (typeof doc._key !== 'string' || doc._key === '') {
        throw new ValidationError([{ path: `documents.${collection}[${i}]._key`, message: 'required' }]);
      }
      ids.add(docId(collection, doc._key));
    });
  }
  checkBundleEdges(bundle, ids);
  ids.clear();

  return ctx.write(() => {
    try {
      ctx
        .stmt('INSERT INTO workflows (_key, status, doc) VALUES (?, ?, ?)')
        .run(key, workflow.status, JSON.stringify(workflow));
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`workflows/${key} already exists`, { collection: 'workflows', key });
      throw err;
    }
    const jobs = new BatchedInsert(ctx, `INSERT INTO jobs (${JOB_ROW_COLUMNS})`, 9, (row) =>
      conflict('jobs', row[0] as string),
    );
    for (const collection of WORKFLOW_COLLECTIONS) {
      const docs = new BatchedInsert(ctx, 'INSERT INTO docs (collection, _key, workflow, doc)', 4, (row) =>
        conflict(collection, row[1] as string),
      );
      (bundle.documents[collection] ?? []).forEach((doc, i) => {
        const full: BaseDoc = { ...doc, _id: docId(collection, doc._key), workflow: key };
        if (collection === 'jobs') jobs.add(...jobRow(full, `documents.jobs[${i}]`));
        else docs.add(collection, full._key, key, JSON.stringify(full));
      });
      docs.flush();
    }
    jobs.flush();
    for (const collection of EDGE_COLLECTIONS) {
      const edges = new BatchedInsert(
        ctx,
        'INSERT INTO edges (collection, _key, workflow, _from, _to, doc)',
        6,
        (row) => conflict(collection, row[1] as string),
      );
      for (const edge of bundle.edges[collection] ?? [])
        edges.add(collection, edge._key, key, edge._from, edge._to, edgeExtras(edge));
      edges.flush();
    }
    noteAuditedWorkflow(key);
    return workflow;
  });
}

export function getWorkflow(ctx: SqliteContext, key: string): WorkflowDoc {
  return ctx.read(() => requireWorkflow(ctx, key));
}

export function listWorkflows(ctx: SqliteContext, options?: ListOptions): Page<WorkflowDoc> {
  const { offset, limit } = paging(options);
  const where = filterWhere(options?.filter, { _key: '_key', status: 'status' });
  return ctx.read(() => {
    const total = (
      ctx.db.prepare(`SELECT count(*) AS n FROM workflows WHERE 1${where.sql}`).get(...where.params) as { n: number }
    ).n;
    const rows = ctx.db
      .prepare(`SELECT doc FROM workflows WHERE 1${where.sql} ORDER BY _key LIMIT ? OFFSET ?`)
      .all(...where.params, limit, offset) as Array<{ doc: string }>;
    return { items: rows.map((r) => JSON.parse(r.doc) as WorkflowDoc), total };
  });
}

export function updateWorkflow(ctx: SqliteContext, key: string, patch: Partial<WorkflowDoc>): WorkflowDoc {
  return ctx.write(() => {
    const current = requireWorkflow(ctx, key);
    const { _key: _k, _id: _i, ...rest } = patch;
    const next: WorkflowDoc = { ...current, ...rest, _key: current._key, _id: current._id };
    replaceWorkflow(ctx, next);
    return next;
  });
}

export function deleteWorkflow(ctx: SqliteContext, key: string): void {
  ctx.write(() => {
    requireWorkflow(ctx, key);
    ctx.stmt('DELETE FROM edges WHERE workflow = ?').run(key);
    ctx.stmt('DELETE FROM docs WHERE workflow = ?').run(key);
    ctx.stmt('DELETE FROM jobs WHERE workflow = ?').run(key);
    ctx.stmt('DELETE FROM workflows WHERE _key = ?').run(key);
  });
}

/** Collections in model order, each by `_key`: two exports of the same data stringify identically. */
export function exportWorkflow(ctx: SqliteContext, key: string): WorkflowBundle {
  return ctx.read(() => {
    const workflow = requireWorkflow(ctx, key);
    const documents: WorkflowBundle['documents'] = {};
    for (const collection of WORKFLOW_COLLECTIONS) {
      const rows = (
        collection === 'jobs'
          ? ctx.stmt('SELECT doc FROM jobs WHERE workflow = ? ORDER BY _key').all(key)
          : ctx.stmt('SELECT doc FROM docs WHERE workflow = ? AND collection = ? ORDER BY _key').all(key, collection)
      ) as Array<{ doc: string }>;
      documents[collection] = rows.map((r) => JSON.parse(r.doc) as BaseDoc);
    }
    const edges: WorkflowBundle['edges'] = {};
    for (const collection of EDGE_COLLECTIONS) {
      const rows = ctx
        .stmt(`SELECT ${EDGE_COLUMNS} FROM edges WHERE workflow = ? AND collection = ? ORDER BY _key`)
        .all(key, collection) as EdgeRow[];
      edges[collection] = rows.map(edgeFromRow);
    }
    return { workflow, documents, edges };
  });
}
