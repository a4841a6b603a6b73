/**
 * Workflow documents: read, write, and the not-found check every operation starts with.
 */
import { NotFoundError } from '../../core/errors.js';
import type { WorkflowDoc } from '../../core/model.js';
import { checkWorkflowStatus } from '../bundle-checks.js';
import type { SqliteContext } from './sqlite-context.js';

/** The workflow document, or undefined. */
export function findWorkflow(ctx: SqliteContext, key: string): WorkflowDoc | undefined {
  const row = ctx.stmt('SELECT doc FROM workflows WHERE _key = ?').get(key) as { doc: string } | undefined;
  return row && (JSON.parse(row.doc) as WorkflowDoc);
}

/** @throws NotFoundError */
export function requireWorkflow(ctx: SqliteContext, key: string): WorkflowDoc {
  const doc = findWorkflow(ctx, key);
  if (!doc) throw new NotFoundError('workflows', key);
  return doc;
}

/** Whether the workflow exists, without reading its document. */
export function workflowExists(ctx: SqliteContext, key: string): boolean {
  return ctx.stmt('SELECT 1 FROM workflows WHERE _key = ?').get(key) !== undefined;
}

/** Overwrite an existing workflow document, keeping the status column in step. */
export function replaceWorkflow(ctx: SqliteContext, doc: WorkflowDoc): void {
  checkWorkflowStatus(doc, 'workflow');
  ctx.stmt('UPDATE workflows SET status = ?, doc = ? WHERE _key = ?').run(doc.status, JSON.stringify(doc), doc._key);
}
