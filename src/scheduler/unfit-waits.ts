/**
 * No silent waits (issue 11, item 5): a queued job that no live worker could take — every
 * worker is smaller than it in some dimension — waits for ever in server mode unless someone
 * says so. The scheduler's periodic pass feeds this the queued jobs and the sizes the live
 * workers put in their heartbeats (queue/heartbeat-report.ts); once a job class (a workflow
 * and one resource requirement) has stayed unfit for `thresholdMs`, one `job_unfit` event is
 * due for it — once per class, not per pass. A class that fits again, or has no queued job
 * left, is forgotten, so a later unfit spell is reported again.
 *
 * With no live worker at all nothing is reported: that is waiting for workers to come (a
 * provisioner, a user's `worker start`), not a job too big for the ones there are.
 *
 * State is in memory: a restarted scheduler waits the threshold again and may record a
 * class a second time; the status route shows each waiting job once.
 */
import type { Resources } from '../core/model.js';
import { plural } from '../core/plural.js';
import { formatMemory } from '../core/units.js';
import type { ClaimedJob } from '../graph/graph-store.js';
import type { WorkerSize } from '../queue/heartbeat-report.js';
import { fits } from '../queue/resource-class.js';

/** The event type recorded for a job class that fits no live worker. */
export const JOB_UNFIT_EVENT = 'job_unfit';

/** One `job_unfit` event's fields. */
export interface UnfitReport {
  workflow: string;
  /** A queued job of the class (the one `status` names), and its name. */
  job: string;
  name: string;
  /** How many queued jobs of the workflow share the requirement. */
  jobs: number;
  requirement: Pick<Resources, 'num_cpus' | 'memory_bytes' | 'num_gpus' | 'num_nodes'>;
  /** The largest live worker per dimension. */
  largest: WorkerSize;
  /** e.g. `no worker with 500g memory (largest: 16g)`. */
  reason: string;
}

/** Why `need` fits none of `workers` (largest per dimension `largest`), for a person. */
export function unfitReason(need: UnfitReport['requirement'], largest: WorkerSize): string {
  const parts: string[] = [];
  if (need.num_cpus > largest.num_cpus) parts.push(`${plural(need.num_cpus, 'CPU')} (largest: ${largest.num_cpus})`);
  if (!fits({ num_cpus: 0, num_gpus: 0, num_nodes: 1, memory_bytes: need.memory_bytes }, largest)) {
    parts.push(`${formatMemory(need.memory_bytes)} memory (largest: ${formatMemory(largest.memory_bytes)})`);
  }
  if (need.num_gpus > largest.num_gpus) parts.push(`${plural(need.num_gpus, 'GPU')} (largest: ${largest.num_gpus})`);
  if (need.num_nodes > 1) parts.push(`${need.num_nodes} nodes (a worker is 1)`);
  if (parts.length > 0) return `no worker with ${parts.join(', ')}`;
  // Each dimension fits some worker, but no one worker has them all.
  return `no single worker with ${plural(need.num_cpus, 'CPU')}, ${formatMemory(need.memory_bytes)} memory and ${plural(need.num_gpus, 'GPU')}`;
}

/** The largest of each dimension over `workers` (non-empty). */
function largestOf(workers: readonly WorkerSize[]): WorkerSize {
  return {
    num_cpus: Math.max(...workers.map((w) => w.num_cpus)),
    memory_bytes: Math.max(...workers.map((w) => w.memory_bytes)),
    num_gpus: Math.max(...workers.map((w) => w.num_gpus)),
  };
}

function classOf(job: ClaimedJob): string {
  const r = job.resources;
  return `${job.workflow}\u0000${r.num_cpus}/${r.memory_bytes}/${r.num_gpus}/${r.num_nodes}`;
}

/** Tracks how long each job class has been unfit; see the module comment. */
export class UnfitWaits {
  /** Class → when first seen unfit (ms since epoch), and whether it was reported. */
  private readonly unfit = new Map<string, { since: number; reported: boolean }>();

  constructor(private readonly thresholdMs: number) {}

  /** One look: the classes whose report is due now. */
  check(queued: readonly ClaimedJob[], workers: readonly WorkerSize[], now = Date.now()): UnfitReport[] {
    if (workers.length === 0) {
      this.unfit.clear();
      return [];
    }
    const largest = largestOf(workers);
    const classes = new Map<string, ClaimedJob[]>();
    for (const job of queued) {
      if (workers.some((w) => fits(job.resources, w))) continue;
      const key = classOf(job);
      const members = classes.get(key);
      if (members) members.push(job);
      else classes.set(key, [job]);
    }
    for (const key of this.unfit.keys()) if (!classes.has(key)) this.unfit.delete(key);
    const due: UnfitReport[] = [];
    for (const [key, members] of classes) {
      const state = this.unfit.get(key) ?? { since: now, reported: false };
      this.unfit.set(key, state);
      if (state.reported || now - state.since < this.thresholdMs) continue;
      state.reported = true;
      const first = members[0]!;
      const { num_cpus, memory_bytes, num_gpus, num_nodes } = first.resources;
      const requirement = { num_cpus, memory_bytes, num_gpus, num_nodes };
      due.push({
        workflow: first.workflow,
        job: first.job,
        name: first.name,
        jobs: members.length,
        requirement,
        largest,
        reason: unfitReason(requirement, largest),
      });
    }
    return due;
  }
}
