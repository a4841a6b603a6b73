/**
 * Audit (issue 15, part 5): a change made through the API by a signed-in caller is recorded
 * as a `request` event of its workflow — who, what, when — written by the store in the
 * transaction of the change itself (core/audit-scope.ts): no change without its event, no
 * event for a change that rolled back. Lifecycle events keep their own shape; this one sits
 * beside them, so `GET …/events?type=request` answers "who canceled this?".
 *
 * Not recorded as events, each for a reason (also in docs/security.md):
 * - the worker protocol and worker tokens: starts and completions already record the worker
 *   and compute node, and an event per batch would double the event count;
 * - tokens and access groups: they belong to no workflow; their records carry `created_by`,
 *   and the log line below names the caller;
 * - deleting a workflow: its events go with it; the log line is the record.
 */
import type { Context } from 'hono';
import { runAudited, type AuditScope } from '../../core/audit-scope.js';
import type { Logger } from '../../core/logger.js';
import type { GraphStore } from '../../graph/graph-store.js';
import { resolveWorkflowRef } from '../../graph/resolve-refs.js';
import type { Principal } from './workflow-access.js';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Serve the rest of request `c` (`next`) under an audit scope when it is a change by a
 * signed-in caller other than a worker; the store writes the event of workflow `wf` (or of
 * the workflow the request creates). A successful change that left no event (no workflow to
 * hold it) is logged with the caller instead.
 */
export async function serveAudited(
  deps: { store: GraphStore; logger?: Logger },
  c: Context,
  principal: Principal,
  wf: string | undefined,
  next: () => Promise<void>,
): Promise<void> {
  if (!CHANGES.has(c.req.method) || principal.role === 'worker') return next();
  const scope: AuditScope = {
    user: principal.user,
    role: principal.role,
    method: c.req.method,
    path: c.req.path,
    workflow: wf === undefined ? undefined : await workflowKey(deps.store, wf),
    done: false,
  };
  let recorded = false;
  await runAudited(scope, async () => {
    await next();
    // The scope is done once its event is written; ending it (runAudited) marks it done too.
    recorded = scope.done;
  });
  if (!recorded && c.res.status < 400)
    deps.logger?.info(
      { user: principal.user, role: principal.role, method: scope.method, path: scope.path, workflow: scope.workflow },
      'audit',
    );
}

/** `wf` (a key or a name, as routes take it) as a key; undefined when it names none (the route answers 404). */
async function workflowKey(store: GraphStore, wf: string): Promise<string | undefined> {
  try {
    return await resolveWorkflowRef(store, wf);
  } catch {
    return undefined;
  }
}
