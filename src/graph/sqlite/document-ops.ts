/**
 * Direct mode on vertex and document collections: insert, get, list, update, delete — each
 * checked against the Direct-mode rules (../direct-mode-rules.ts) in its transaction.
 */
import { NotFoundError } from '../../core/errors.js';
import { childKey, eventKey } from '../../core/keys.js';
import { docId, type BaseDoc, type WorkflowCollection } from '../../core/model.js';
import { checkDeleteDocument, checkInsertDocument, checkUpdateDocument } from '../direct-mode-rules.js';
import type { ListOptions, Page } from '../graph-store.js';
import { runsAttempt } from './direct-mode-view.js';
import { deleteDocRow, insertDocRow, readDoc, replaceDocRow } from './doc-rows.js';
import { paging } from '../list-paging.js';
import { filterWhere } from './list-query.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

/** Filter fields stored as job columns: filtering on them uses the index, not the JSON. */
const JOB_COLUMNS = {
  _key: '_key',
  workflow: 'workflow',
  status: 'status',
  name: 'name',
  attempt: 'attempt',
  unfinished_blockers: 'unfinished_blockers',
};

export function insertDocument(
  ctx: SqliteContext,
  workflow: string,
  collection: WorkflowCollection,
  body: Record<string, unknown>,
): BaseDoc {
  return ctx.write(() => {
    checkInsertDocument(collection, requireWorkflow(ctx, workflow), body);
    const key =
      typeof body._key === 'string' && body._key !== ''
        ? body._key
        : collection === 'events'
          ? eventKey(workflow)
          : childKey(workflow);
    const doc: BaseDoc = { ...body, _key: key, _id: docId(collection, key), workflow };
    if (collection === 'events' && doc.timestamp === undefined) doc.timestamp = new Date().toISOString();
    insertDocRow(ctx, collection, doc, 'body');
    return doc;
  });
}

/** The document when it exists and belongs to `workflow`. @throws NotFoundError */
export function requireDocument(ctx: SqliteContext, workflow: string, collection: string, key: string): BaseDoc {
  const stored = readDoc(ctx, collection, key);
  if (!stored || stored.workflow !== workflow) throw new NotFoundError(collection, key);
  return stored.doc;
}

export function getDocument(
  ctx: SqliteContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
): BaseDoc {
  return ctx.read(() => requireDocument(ctx, workflow, collection, key));
}

export function listDocuments(
  ctx: SqliteContext,
  workflow: string,
  collection: WorkflowCollection,
  options?: ListOptions,
): Page<BaseDoc> {
  const { offset, limit } = paging(options);
  const isJobs = collection === 'jobs';
  const where = filterWhere(options?.filter, isJobs ? JOB_COLUMNS : { _key: '_key', workflow: 'workflow' });
  // A status filter should walk (workflow, status), not every job of the workflow in key order.
  const jobsIndex = options?.filter?.status !== undefined ? 'jobs_workflow_status' : 'jobs_workflow_key';
  const from = isJobs
    ? `jobs INDEXED BY ${jobsIndex} WHERE workflow = ?`
    : 'docs WHERE workflow = ? AND collection = ?';
  const base: Array<string | number> = isJobs ? [workflow] : [workflow, collection];
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    const total = (
      ctx.stmt(`SELECT count(*) AS n FROM ${from}${where.sql}`).get(...base, ...where.params) as { n: number }
    ).n;
    const rows = ctx
      .stmt(`SELECT doc FROM ${from}${where.sql} ORDER BY _key LIMIT ? OFFSET ?`)
      .all(...base, ...where.params, limit, offset) as Array<{ doc: string }>;
    return { items: rows.map((r) => JSON.parse(r.doc) as BaseDoc), total };
  });
}

export function updateDocument(
  ctx: SqliteContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
  patch: Record<string, unknown>,
): BaseDoc {
  return ctx.write(() => {
    const wf = requireWorkflow(ctx, workflow);
    const current = requireDocument(ctx, workflow, collection, key);
    checkUpdateDocument(collection, wf, current, patch);
    const { _key: _k, _id: _i, workflow: _w, ...rest } = patch;
    const next: BaseDoc = { ...current, ...rest, _key: current._key, _id: current._id, workflow };
    replaceDocRow(ctx, collection, next);
    return next;
  });
}

export function deleteDocument(
  ctx: SqliteContext,
  workflow: string,
  collection: WorkflowCollection,
  key: string,
): void {
  ctx.write(() => {
    const wf = requireWorkflow(ctx, workflow);
    const stored = requireDocument(ctx, workflow, collection, key);
    checkDeleteDocument(collection, wf, stored, { runsAttempt: () => runsAttempt(ctx, key) });
    deleteDocRow(ctx, collection, key);
  });
}
