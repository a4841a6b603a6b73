/**
 * Row-level access shared by every operation: read, insert, replace and delete one
 * document or edge in the right table. Callers own the transaction.
 */
import { ConflictError } from '../../core/errors.js';
import type { BaseDoc, EdgeDoc } from '../../core/model.js';
import { prepareJobDoc } from './job-columns.js';
import type { SqliteContext } from './sqlite-context.js';
import { isUniqueViolation } from './sqlite-errors.js';

/** Edge fields kept as columns, not in the `doc` JSON. */
const EDGE_SYSTEM_FIELDS: ReadonlySet<string> = new Set(['_key', '_id', '_from', '_to', 'workflow']);

/** The columns to select for {@link edgeFromRow}. */
export const EDGE_COLUMNS = 'collection, _key, workflow, _from, _to, doc';

export interface EdgeRow {
  collection: string;
  _key: string;
  workflow: string;
  _from: string;
  _to: string;
  doc: string | null;
}

/** Rebuild an edge: system fields first, then the stored extra fields. */
export function edgeFromRow(row: EdgeRow): EdgeDoc {
  const edge: EdgeDoc = {
    _key: row._key,
    _id: `${row.collection}/${row._key}`,
    _from: row._from,
    _to: row._to,
    workflow: row.workflow,
  };
  return row.doc === null ? edge : Object.assign(edge, JSON.parse(row.doc) as Record<string, unknown>);
}

/** An edge's `doc` column: its fields other than the system ones, as JSON; null when none. */
export function edgeExtras(edge: EdgeInput): string | null {
  let extras: Record<string, unknown> | undefined;
  for (const field in edge) {
    if (!EDGE_SYSTEM_FIELDS.has(field)) (extras ??= {})[field] = edge[field];
  }
  return extras ? JSON.stringify(extras) : null;
}

/** The `jobs` columns, in {@link JOB_ROW_COLUMNS} order. */
export const JOB_ROW_COLUMNS =
  '_key, workflow, name, status, attempt, unfinished_blockers, cancel_on_failure, queued_at, doc';

/**
 * A job document's row, in {@link JOB_ROW_COLUMNS} order (lifecycle defaults filled into `doc`).
 * @param path field path prefix for validation messages
 */
export function jobRow(doc: BaseDoc, path: string): unknown[] {
  const c = prepareJobDoc(doc, path);
  return [
    doc._key,
    doc.workflow,
    c.name,
    c.status,
    c.attempt,
    c.unfinished_blockers,
    c.cancel_on_failure,
    c.queued_at,
    JSON.stringify(doc),
  ];
}

export interface StoredDoc {
  workflow: string;
  doc: BaseDoc;
}

const SQL = {
  getJob: 'SELECT workflow, doc FROM jobs WHERE _key = ?',
  getDoc: 'SELECT workflow, doc FROM docs WHERE collection = ? AND _key = ?',
  insertJob: `INSERT INTO jobs (${JOB_ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  replaceJob: `UPDATE jobs SET name = ?, status = ?, attempt = ?, unfinished_blockers = ?, cancel_on_failure = ?,
               queued_at = ?, doc = ? WHERE _key = ?`,
  insertDoc: 'INSERT INTO docs (collection, _key, workflow, doc) VALUES (?, ?, ?, ?)',
  replaceDoc: 'UPDATE docs SET doc = ? WHERE collection = ? AND _key = ?',
  deleteJob: 'DELETE FROM jobs WHERE _key = ?',
  deleteDoc: 'DELETE FROM docs WHERE collection = ? AND _key = ?',
  insertEdge: 'INSERT INTO edges (collection, _key, workflow, _from, _to, doc) VALUES (?, ?, ?, ?, ?, ?)',
  deleteEdgesFrom: 'DELETE FROM edges WHERE _from = ?',
  deleteEdgesTo: 'DELETE FROM edges WHERE _to = ?',
} as const;

/** The error for a key that already exists in `collection`. */
export function conflict(collection: string, key: string): ConflictError {
  return new ConflictError(`${collection}/${key} already exists`, { collection, key });
}

/** One stored document of a vertex/document collection, or undefined. */
export function readDoc(ctx: SqliteContext, collection: string, key: string): StoredDoc | undefined {
  const row = (collection === 'jobs' ? ctx.stmt(SQL.getJob).get(key) : ctx.stmt(SQL.getDoc).get(collection, key)) as
    { workflow: string; doc: string } | undefined;
  return row && { workflow: row.workflow, doc: JSON.parse(row.doc) as BaseDoc };
}

/**
 * Insert a document whose `_key`, `_id` and `workflow` are already set.
 * @param path field path for validation messages (jobs only)
 * @throws ConflictError naming the key when it exists
 */
export function insertDocRow(ctx: SqliteContext, collection: string, doc: BaseDoc, path = collection): void {
  const workflow = doc.workflow as string;
  try {
    if (collection === 'jobs') {
      ctx.stmt(SQL.insertJob).run(jobRow(doc, path));
    } else {
      ctx.stmt(SQL.insertDoc).run(collection, doc._key, workflow, JSON.stringify(doc));
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(collection, doc._key);
    throw err;
  }
}

/** Replace a stored document (same key and workflow), keeping hot columns in step. */
export function replaceDocRow(ctx: SqliteContext, collection: string, doc: BaseDoc): void {
  if (collection === 'jobs') {
    const c = prepareJobDoc(doc, 'patch');
    ctx
      .stmt(SQL.replaceJob)
      .run(
        c.name,
        c.status,
        c.attempt,
        c.unfinished_blockers,
        c.cancel_on_failure,
        c.queued_at,
        JSON.stringify(doc),
        doc._key,
      );
  } else {
    ctx.stmt(SQL.replaceDoc).run(JSON.stringify(doc), collection, doc._key);
  }
}

/** Delete a document and every edge that touches it. */
export function deleteDocRow(ctx: SqliteContext, collection: string, key: string): void {
  if (collection === 'jobs') ctx.stmt(SQL.deleteJob).run(key);
  else ctx.stmt(SQL.deleteDoc).run(collection, key);
  const id = `${collection}/${key}`;
  ctx.stmt(SQL.deleteEdgesFrom).run(id);
  ctx.stmt(SQL.deleteEdgesTo).run(id);
}

/** What an edge insert needs: `_id` and `workflow` are implied and ignored when present. */
export type EdgeInput = Pick<EdgeDoc, '_key' | '_from' | '_to'> & Record<string, unknown>;

/**
 * Insert an edge of `workflow`.
 * @param replace overwrite an existing edge of that key (idempotent system edges)
 * @throws ConflictError naming the key when it exists and `replace` is false
 */
export function insertEdgeRow(
  ctx: SqliteContext,
  collection: string,
  edge: EdgeInput,
  workflow: string,
  replace = false,
): void {
  try {
    ctx
      .stmt(replace ? SQL.insertEdge.replace('INSERT', 'INSERT OR REPLACE') : SQL.insertEdge)
      .run(collection, edge._key, workflow, edge._from, edge._to, edgeExtras(edge));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(collection, edge._key);
    throw err;
  }
}
