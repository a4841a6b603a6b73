/**
 * The rule for what happens to a job's dependents when it reaches a final state, shared
 * by every GraphStore adapter (completeAttempts, failJobs). Pure: the adapter supplies
 * the graph through a synchronous view and writes back the returned states.
 *
 * For each `blocks` edge job→dependent: the dependent's `unfinished_blockers` drops by
 * one. A dependent still in the lifecycle (blocked, ready, queued, running) whose counter is
 * already 0 means the counters drifted — some blocker was not counted, or counted twice:
 * that is reported in `drift` (the adapter records a `counter_drift` event in the same
 * transaction) and the counter stays at 0; a final, disabled or uninitialized dependent's
 * counter is not maintained (restartJobs recounts it), so 0 there is no drift. A `blocked`
 * dependent then
 * - becomes `canceled` when the finished job failed (failed/canceled/terminated) and the
 *   dependent has `cancel_on_blocking_job_failure` — and, being final itself, propagates
 *   to ITS dependents as a failed blocker;
 * - otherwise becomes `ready` when its counter reaches 0 (it runs even after a failed
 *   blocker when it does not cancel on failure).
 * Dependents in any other state only get the counter decrement.
 */
import { FAILED_JOB_STATUSES, type JobStatus } from '../core/model.js';

/** Statuses whose counter must be right: the job waits for its blockers or ran because they finished. */
const COUNTED: ReadonlySet<JobStatus> = new Set(['blocked', 'ready', 'queued', 'running']);

export interface DependentState {
  status: JobStatus;
  unfinished_blockers: number;
  cancel_on_blocking_job_failure: boolean;
}

/** The adapter's view of the graph, read inside its transaction. */
export interface DependentGraph {
  /** Keys of the jobs `job` blocks, one per `blocks` edge. */
  dependentsOf(job: string): readonly string[];
  /** Current state, or undefined for a job that no longer exists. */
  stateOf(job: string): DependentState | undefined;
}

export interface PropagationOutcome {
  /** New state of every dependent touched, in the order first touched. */
  updates: Map<string, DependentState>;
  /** Jobs that became `ready`. */
  newlyReady: string[];
  /** Jobs that became `canceled` by a failed blocker. */
  canceled: string[];
  /** Dependents whose counter was already 0 when `blocker` finished: the counters drifted. */
  drift: Array<{ job: string; blocker: string; status: JobStatus }>;
}

/**
 * Apply the rule for `finished` (jobs that just reached a final state, with that state),
 * following cancellations downstream. O(total out-degree of the jobs that finish).
 */
export function propagateFinished(
  finished: ReadonlyArray<{ job: string; status: JobStatus }>,
  graph: DependentGraph,
): PropagationOutcome {
  const updates = new Map<string, DependentState>();
  const newlyReady: string[] = [];
  const canceled: string[] = [];
  const drift: PropagationOutcome['drift'] = [];
  const stateOf = (job: string) => updates.get(job) ?? graph.stateOf(job);
  const work = [...finished];
  for (let i = 0; i < work.length; i++) {
    const { job, status } = work[i]!;
    const failed = FAILED_JOB_STATUSES.has(status);
    for (const dependent of graph.dependentsOf(job)) {
      const current = stateOf(dependent);
      if (!current) continue;
      if (current.unfinished_blockers <= 0 && COUNTED.has(current.status))
        drift.push({ job: dependent, blocker: job, status: current.status });
      const next: DependentState = { ...current, unfinished_blockers: Math.max(0, current.unfinished_blockers - 1) };
      if (current.status === 'blocked') {
        if (failed && current.cancel_on_blocking_job_failure) {
          next.status = 'canceled';
          canceled.push(dependent);
          work.push({ job: dependent, status: 'canceled' });
        } else if (next.unfinished_blockers === 0) {
          next.status = 'ready';
          newlyReady.push(dependent);
        }
      }
      updates.set(dependent, next);
    }
  }
  return { updates, newlyReady, canceled, drift };
}
