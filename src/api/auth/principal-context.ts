/**
 * The authenticated caller of a request, for routes that filter or stamp by user (list and
 * create workflows). Kept beside the request, not in Hono's typed variables, so the route
 * modules keep their plain app type. Absent when the server runs without auth.
 */
import type { Context } from 'hono';
import type { Principal } from './workflow-access.js';

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(c: Context, principal: Principal): void {
  principals.set(c.req.raw, principal);
}

/** The caller, or undefined on a server without auth (and on public routes). */
export function principalOf(c: Context): Principal | undefined {
  return principals.get(c.req.raw);
}
