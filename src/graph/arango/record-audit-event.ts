/**
 * The audit event of the request being served (core/audit-scope.ts) on ArangoDB, mirroring
 * sqlite/record-audit-event.ts: written by the transaction helper (arango-context.ts) at the
 * end of the request's first write transaction, so that change and event commit together.
 */
import { auditEvent, type AuditScope } from '../../core/audit-scope.js';
import type { QueryRunner } from './query-runner.js';

/** Append `scope`'s event in the caller's transaction; false when its workflow is gone (deleted). */
export async function recordAuditEvent(run: QueryRunner, scope: AuditScope): Promise<boolean> {
  if (scope.workflow === undefined) return false;
  const event = { ...auditEvent(scope), timestamp: new Date().toISOString() };
  const written = await run.all<number>({
    // Keys from the `events` collection's padded generator, as appendEvents.
    query: 'FOR w IN workflows FILTER w._key == @workflow INSERT @event INTO events RETURN 1',
    bindVars: { workflow: event.workflow, event },
  });
  return written.length > 0;
}
