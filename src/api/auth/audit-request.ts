/**
 * Audit (issue 15, part 5): a successful change made through the API by a signed-in user
 * is recorded as a `request` event of its workflow — who, what, when. Lifecycle events keep
 * their own shape; this one sits beside them, so `GET …/events` answers "who canceled
 * this?". The worker protocol is not audited here: its starts and completions already
 * record the worker and compute node, and an event per batch would double the event count.
 */
import type { Context } from 'hono';
import type { Logger } from '../../core/logger.js';
import type { GraphStore } from '../../graph/graph-store.js';
import type { Principal } from './workflow-access.js';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WORKFLOW_PATH = /^\/api\/v1\/workflows\/[^/]+\/?$/;

/**
 * Append the audit event when `c` changed workflow `wf` (or created one) and succeeded.
 * A failure to record is logged, never turned into a failed request: the change is done.
 */
export async function auditRequest(
  deps: { store: GraphStore; logger?: Logger },
  c: Context,
  principal: Principal,
  wf: string | undefined,
): Promise<void> {
  if (!CHANGES.has(c.req.method) || principal.role === 'worker' || c.res.status >= 400) return;
  const method = c.req.method;
  const workflow = wf ?? createdWorkflow(c);
  // A deleted workflow has nowhere to keep its event: the log line is its record.
  if (workflow === undefined || (method === 'DELETE' && WORKFLOW_PATH.test(c.req.path))) {
    deps.logger?.info({ user: principal.user, role: principal.role, method, path: c.req.path }, 'audit');
    return;
  }
  try {
    await deps.store.appendEvents([
      {
        workflow,
        source: 'system',
        type: 'request',
        user: principal.user,
        role: principal.role,
        method,
        path: c.req.path,
        status: c.res.status,
      },
    ]);
  } catch (err) {
    deps.logger?.warn({ err, workflow, user: principal.user }, 'could not record the audit event');
  }
}

/** The key of the workflow this request created (noteCreatedWorkflow), if any. */
function createdWorkflow(c: Context): string | undefined {
  return CREATED.get(c.req.raw);
}

const CREATED = new WeakMap<Request, string>();

/** Routes that create a workflow say which, so the audit can name it without reading the response body. */
export function noteCreatedWorkflow(c: Context, key: string): void {
  CREATED.set(c.req.raw, key);
}
