/**
 * Authentication and authorization for every request (decision 0013), installed before
 * any route: the request's rule (route-rules.ts, deny by default) decides what it needs;
 * refusals are 401 (no valid token) or 403 (known caller, not allowed), both problem+json
 * through the one error mapper. A change by a signed-in caller is audited with an event of
 * its workflow naming the user, written in the change's transaction (audit-request.ts).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { GraphStore } from '../../graph/graph-store.js';
import { resolveWorkflowRef } from '../../graph/resolve-refs.js';
import { serveAudited } from './audit-request.js';
import { authenticateToken, presentedToken, type Authenticator } from './authenticate.js';
import { principalOf, setPrincipal } from './principal-context.js';
import { matchRouteRule, type RouteAccess } from './route-rules.js';
import { mayAccessWorkflow, needsGroups, type NeededLevel, type Principal } from './workflow-access.js';
import { workflowsOfWorkerBody } from './worker-body.js';

/** Options of {@link authMiddleware}. */
export interface AuthOptions extends Authenticator {
  logger?: Logger;
}

/** Challenge sent with every 401 (RFC 6750). */
const CHALLENGE = 'Bearer realm="jobgraph"';

/**
 * The two halves, installed around the body guard: `authenticate` before it (an anonymous
 * request is answered 401 before its body is read), `authorize` after it (worker-protocol
 * rules read the parsed body).
 */
export function authMiddleware(options: AuthOptions): {
  authenticate: MiddlewareHandler;
  authorize: MiddlewareHandler;
} {
  return {
    async authenticate(c, next) {
      const rule = matchRouteRule(c.req.method, c.req.path);
      if (rule.access.kind === 'public') return next();
      try {
        const secret = presentedToken(c);
        if (secret === undefined) throw new UnauthenticatedError('this request needs a token: Authorization: Bearer …');
        setPrincipal(c, await authenticateToken(options, secret));
      } catch (err) {
        c.header('WWW-Authenticate', CHALLENGE);
        throw err;
      }
      return next();
    },
    async authorize(c, next) {
      const rule = matchRouteRule(c.req.method, c.req.path);
      const principal = principalOf(c);
      if (rule.access.kind === 'public' || !principal) return next();
      await authorize(options.store, c, principal, rule.access, rule.params);
      await serveAudited(options, c, principal, rule.params.wf, next);
    },
  };
}

async function authorize(
  store: GraphStore,
  c: Context,
  principal: Principal,
  access: RouteAccess,
  params: Record<string, string>,
): Promise<void> {
  switch (access.kind) {
    case 'public':
      return;
    case 'roles':
      if (!access.roles.includes(principal.role)) {
        throw new ForbiddenError(`role ${principal.role} may not ${c.req.method} ${c.req.path}`);
      }
      return;
    case 'workflow':
      await requireWorkflowAccess(store, principal, params.wf!, access.level, access.workers === true);
      return;
    case 'worker-protocol': {
      if (principal.role === 'reader') throw new ForbiddenError('role reader may not take part in the worker protocol');
      if (principal.role === 'admin') return;
      for (const wf of workflowsOfWorkerBody(await bodyOf(c))) {
        await requireWorkflowAccess(store, principal, wf, 'write', true);
      }
      return;
    }
  }
}

/** The parsed JSON body (the body guard has read it), or undefined when there is none or it is not JSON. */
async function bodyOf(c: Context): Promise<unknown> {
  if (!/json/i.test(c.req.header('content-type') ?? '')) return undefined;
  try {
    return await c.req.json();
  } catch {
    return undefined; // the route's validator answers the malformed body
  }
}

/**
 * @throws ForbiddenError when `principal` may not act on workflow `key` at `level`.
 *   A workflow that does not exist is left to the route (its 404), except for worker
 *   tokens scoped elsewhere, which learn nothing either way.
 */
export async function requireWorkflowAccess(
  store: GraphStore,
  principal: Principal,
  key: string,
  level: NeededLevel,
  workers: boolean,
): Promise<void> {
  if (principal.role === 'admin') return;
  let workflow;
  try {
    // By key or by name, as the routes take it (src/api/common/resolve-params.ts).
    workflow = await store.getWorkflow(await resolveWorkflowRef(store, key));
  } catch (err) {
    const limited = principal.role === 'worker' || principal.role === 'user';
    if (err instanceof NotFoundError && !limited) return;
    // A name several workflows carry: a user or worker learns nothing of the others'.
    if ((err instanceof NotFoundError || err instanceof ConflictError) && limited) {
      throw new ForbiddenError(`no access to workflow ${key}`, { workflow: key });
    }
    throw err;
  }
  const groups = needsGroups(principal, workflow)
    ? (await store.listAccessGroups(principal.user)).map((g) => g._key)
    : [];
  if (!mayAccessWorkflow(principal, workflow, level, { workers, groups })) {
    throw new ForbiddenError(
      principal.role === 'worker'
        ? `this worker token is not for workflow ${key}`
        : `${principal.user} (${principal.role}) may not ${level === 'own' ? 'administer' : level} workflow ${key}`,
      { workflow: key },
    );
  }
}
