/**
 * Whether a caller may read, change or own a workflow (decision 0013). Pure: fed the
 * caller and the workflow document (its `user` and `access_groups`), no store.
 */
import type { AccessLevel, Role, WorkflowShares } from '../../core/access.js';

/** The caller of a request, as its token says. */
export interface Principal {
  user: string;
  role: Role;
  /** Worker tokens: the workflows they may work for (absent: all). */
  workflows?: readonly string[];
  /** Worker tokens minted for an allocation. */
  allocation?: string;
  /** The token's id; absent for `JOBGRAPH_ADMIN_TOKEN`. */
  tokenKey?: string;
}

/** What the rules read of a workflow document. */
export interface WorkflowAccessView {
  _key: string;
  user?: unknown;
  access_groups?: unknown;
}

/** The level needed: read it, change it, or own it (delete, share). */
export type NeededLevel = AccessLevel | 'own';

/**
 * Whether `principal` may act on `workflow` at `level`. `groups` are the access groups the
 * principal belongs to (only read for users, so callers may pass them lazily).
 * `workers`: the route is part of what a worker does for its workflow.
 */
export function mayAccessWorkflow(
  principal: Principal,
  workflow: WorkflowAccessView,
  level: NeededLevel,
  options: { workers?: boolean; groups?: readonly string[] } = {},
): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'reader':
      return level === 'read';
    case 'worker':
      return (
        options.workers === true &&
        level !== 'own' &&
        (principal.workflows === undefined || principal.workflows.includes(workflow._key))
      );
    case 'user':
      if (workflow.user === principal.user) return true;
      if (level === 'own') return false;
      return sharedLevels(workflow.access_groups, options.groups ?? []).some((l) => level === 'read' || l === 'write');
  }
}

/** Whether a user's access to `workflow` depends on its groups (so the caller must look them up). */
export function needsGroups(principal: Principal, workflow: WorkflowAccessView): boolean {
  return principal.role === 'user' && workflow.user !== principal.user && sharesOf(workflow.access_groups).size > 0;
}

/** The shares of a workflow document, ignoring malformed entries. */
export function sharesOf(value: unknown): Map<string, AccessLevel> {
  const out = new Map<string, AccessLevel>();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [group, level] of Object.entries(value as WorkflowShares)) {
    if (level === 'read' || level === 'write') out.set(group, level);
  }
  return out;
}

function sharedLevels(shares: unknown, groups: readonly string[]): AccessLevel[] {
  const map = sharesOf(shares);
  return groups.flatMap((g) => {
    const level = map.get(g);
    return level ? [level] : [];
  });
}
