/**
 * `GET /api/v1/workflows` for a user: only the workflows it owns or that are shared with
 * one of its groups. Without groups this is the store's own `user` filter (paged in the
 * store); with groups the candidates are read in pages and filtered here, which costs a scan
 * of the workflow documents (not their jobs) — fine for the thousands of workflows a group
 * server holds, noted in decision 0013.
 */
import type { WorkflowDoc } from '../../core/model.js';
import type { GraphStore, ListOptions, Page } from '../../graph/graph-store.js';
import { mayAccessWorkflow, type Principal } from './workflow-access.js';

const SCAN_PAGE = 10_000;

export async function listVisibleWorkflows(
  store: GraphStore,
  principal: Principal | undefined,
  options: ListOptions,
): Promise<Page<WorkflowDoc>> {
  if (!principal || principal.role === 'admin' || principal.role === 'reader') return store.listWorkflows(options);
  const filter = options.filter ?? {};
  if (filter.user !== undefined && filter.user !== principal.user) {
    // Another user's workflows: only those shared with this one.
    return scan(store, principal, options);
  }
  const groups = (await store.listAccessGroups(principal.user)).map((g) => g._key);
  if (groups.length === 0) return store.listWorkflows({ ...options, filter: { ...filter, user: principal.user } });
  return scan(store, principal, options, groups);
}

async function scan(
  store: GraphStore,
  principal: Principal,
  options: ListOptions,
  groups?: string[],
): Promise<Page<WorkflowDoc>> {
  const memberOf = groups ?? (await store.listAccessGroups(principal.user)).map((g) => g._key);
  const visible: WorkflowDoc[] = [];
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const page = await store.listWorkflows({ ...options, offset, limit: SCAN_PAGE });
    for (const wf of page.items) if (mayAccessWorkflow(principal, wf, 'read', { groups: memberOf })) visible.push(wf);
    if (page.items.length < SCAN_PAGE) break;
  }
  const start = options.offset ?? 0;
  return { items: visible.slice(start, start + (options.limit ?? 100)), total: visible.length };
}
