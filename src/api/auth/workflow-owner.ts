/**
 * Workflow ownership (issue 15, part 2): a workflow belongs to the user who created it. The
 * spec's `user` field is checked, not trusted: a user may only name itself (or leave it out
 * and be filled in); an admin may create a workflow for anyone.
 */
import { ForbiddenError } from '../../core/errors.js';
import type { Principal } from './workflow-access.js';

/** `spec` with its owner set for `principal` (unchanged on a server without auth). @throws ForbiddenError */
export function withOwner<T extends Record<string, unknown>>(principal: Principal | undefined, spec: T): T {
  if (!principal) return spec;
  const named = spec.user;
  if (named === undefined) return { ...spec, user: principal.user };
  if (named !== principal.user && principal.role !== 'admin') {
    throw new ForbiddenError(`user: ${principal.user} may not create a workflow for ${String(named)}`, {
      field: 'user',
    });
  }
  return spec;
}
