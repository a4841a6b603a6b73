/**
 * Folding per-(status, requirement, scheduler) counts into DemandGroups, shared by every
 * adapter's schedulingDemand. Requirements with equal resources share a group.
 */
import type { Resources } from '../core/model.js';
import type { DemandGroup } from './graph-store.js';

export interface DemandRow {
  status: 'blocked' | 'ready' | 'queued' | 'running';
  resources: Resources;
  /** `schedulers` key, when the jobs have a `scheduled_by` edge. */
  scheduler?: string;
  n: number;
}

export function groupDemand(rows: Iterable<DemandRow>): DemandGroup[] {
  const groups = new Map<string, DemandGroup>();
  for (const row of rows) {
    const id = JSON.stringify([row.scheduler ?? null, row.resources]);
    let group = groups.get(id);
    if (!group) {
      group = {
        ...(row.scheduler && { scheduler: row.scheduler }),
        resources: row.resources,
        blocked: 0,
        ready: 0,
        queued: 0,
        running: 0,
      };
      groups.set(id, group);
    }
    group[row.status] += row.n;
  }
  return [...groups.values()];
}
