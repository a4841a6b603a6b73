/**
 * The pure part of restartJobs (decision 0007), shared by every GraphStore adapter: the
 * counters and statuses of the jobs a restart resets, and of the waiting jobs downstream
 * of them whose counters the reset invalidates. The adapter supplies the graph through a
 * synchronous view (read inside its transaction) and writes back what this returns.
 *
 * A blocker counts when it is reset too or not in a final state: one that finished and is
 * not reset never reports again, so counting it would block its dependent for ever.
 */
import { FINAL_JOB_STATUSES, type JobStatus } from '../core/model.js';

export interface ResetGraph {
  /** Current status, or undefined for a job that does not exist. */
  statusOf(job: string): JobStatus | undefined;
  /** Keys of the jobs that block `job`, one per `blocks` edge. */
  blockersOf(job: string): readonly string[];
  /** Keys of the jobs `job` blocks, one per `blocks` edge. */
  dependentsOf(job: string): readonly string[];
}

export interface JobResetState {
  _key: string;
  status: JobStatus;
  unfinished_blockers: number;
}

export interface JobResetPlan {
  /** The reset jobs, in the order given, each `ready` or `blocked`. */
  reset: JobResetState[];
  /** Waiting (non-final, not reset) dependents of reset jobs with their recomputed state. */
  waiting: JobResetState[];
}

/** Plan the reset of `jobs` (distinct keys of existing jobs). O(total degree of the reset jobs). */
export function planJobReset(jobs: readonly string[], graph: ResetGraph): JobResetPlan {
  const resetSet = new Set(jobs);
  const counter = (job: string) =>
    graph.blockersOf(job).filter((b) => {
      if (resetSet.has(b)) return true;
      const s = graph.statusOf(b);
      return s !== undefined && !FINAL_JOB_STATUSES.has(s);
    }).length;
  const reset = jobs.map((job): JobResetState => {
    const n = counter(job);
    return { _key: job, status: n === 0 ? 'ready' : 'blocked', unfinished_blockers: n };
  });
  const waiting: JobResetState[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    for (const dep of graph.dependentsOf(job)) {
      if (resetSet.has(dep) || seen.has(dep)) continue;
      seen.add(dep);
      const status = graph.statusOf(dep);
      if (status === undefined || FINAL_JOB_STATUSES.has(status)) continue;
      const n = counter(dep);
      // Only a job still waiting changes status; a queued or running one already started.
      const next = status === 'ready' && n > 0 ? 'blocked' : status === 'blocked' && n === 0 ? 'ready' : status;
      waiting.push({ _key: dep, status: next, unfinished_blockers: n });
    }
  }
  return { reset, waiting };
}
