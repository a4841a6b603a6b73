/**
 * The audit event of the request being served (core/audit-scope.ts), written by the write
 * helper (sqlite-context.ts) at the end of the request's first write transaction, so that
 * the change and its event commit or roll back together.
 */
import { auditEvent, type AuditScope } from '../../core/audit-scope.js';
import { eventKey } from '../../core/keys.js';
import { docId, type EventDoc } from '../../core/model.js';
import { insertDocRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';
import { workflowExists } from './workflow-rows.js';

/**
 * Append `scope`'s event inside the caller's transaction. False when its workflow is gone
 * (the request deleted it): the API's log line is then the record.
 */
export function recordAuditEvent(ctx: SqliteContext, scope: AuditScope): boolean {
  if (scope.workflow === undefined) return false;
  const event = auditEvent(scope);
  if (!workflowExists(ctx, event.workflow)) return false;
  const key = eventKey(event.workflow);
  const doc = { ...event, _key: key, _id: docId('events', key), timestamp: new Date().toISOString() };
  insertDocRow(ctx, 'events', doc as EventDoc);
  return true;
}
