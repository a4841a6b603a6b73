/**
 * The audit of one change (issue 15, item 5): who is changing which workflow, carried from
 * the API's authorization middleware to the store through the request's async context, so
 * that each adapter writes the `request` event inside the transaction of the change itself.
 * A change is never committed without its event, nor an event without its change.
 *
 * Why a context rather than a parameter: every mutating store operation (twenty-odd, in two
 * adapters) would otherwise take an `actor` argument that only the API passes; the scope is
 * read in one place per adapter (its write-transaction helper) and nowhere else.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The signed-in caller of a changing request. */
export interface AuditScope {
  user: string;
  role: string;
  method: string;
  path: string;
  /** The workflow changed: the request's `{wf}` as a key, or the workflow it creates. */
  workflow?: string;
  /** The event is written (with the first write transaction that committed), or the request is over. */
  done: boolean;
}

/** The audit event of `scope`, as appended to the `events` collection of its workflow. */
export interface AuditEvent {
  workflow: string;
  source: 'system';
  type: 'request';
  user: string;
  role: string;
  method: string;
  path: string;
}

const storage = new AsyncLocalStorage<AuditScope>();

/** Run `serve` (the rest of the request) with `scope` as its audit; the scope ends with it. */
export async function runAudited<T>(scope: AuditScope, serve: () => Promise<T>): Promise<T> {
  try {
    return await storage.run(scope, serve);
  } finally {
    // Work the request left running (a promotion pass it woke) must not write its event later.
    scope.done = true;
  }
}

/**
 * The scope whose event the next write transaction should carry, if any. Its workflow may
 * be set during the transaction (by the operation that creates it): check it at the end.
 */
export function pendingAudit(): AuditScope | undefined {
  const scope = storage.getStore();
  return scope && !scope.done ? scope : undefined;
}

/** Called by the operation that creates workflow `key`: the request's event goes to it. */
export function noteAuditedWorkflow(key: string): void {
  const scope = storage.getStore();
  if (scope && !scope.done && scope.workflow === undefined) scope.workflow = key;
}

/** The event of a pending scope whose workflow is known. */
export function auditEvent(scope: AuditScope): AuditEvent {
  const { user, role, method, path } = scope;
  return { workflow: scope.workflow!, source: 'system', type: 'request', user, role, method, path };
}
