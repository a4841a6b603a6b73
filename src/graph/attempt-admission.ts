/**
 * Which attempt reports the store accepts, shared by every GraphStore adapter: a start
 * (startAttempts), a completion (completeAttempts) and a lost attempt (recordLostAttempts).
 * Pure: the adapter reads a small view of the job inside its transaction, asks here, and
 * writes only what is admitted — so both adapters accept, refuse and word refusals alike.
 */
import { docId, type JobStatus } from '../core/model.js';

/** What an admission looks at of the job: read from its document (or row) in the transaction. */
export interface AttemptJobView {
  workflow: string;
  status: JobStatus;
  attempt: number;
  /** The status a canceled job had when it was canceled (cancelJob / cancelWorkflow). */
  canceled_from?: unknown;
}

/** The attempt a report or request names. */
export interface AttemptRef {
  workflow: string;
  job: string;
  attempt: number;
}

/** The job when it exists in the attempt's workflow, else the refusal. */
function missing(r: AttemptRef, job: AttemptJobView | undefined): string | undefined {
  return !job || job.workflow !== r.workflow ? `job ${r.job} does not exist in workflow ${r.workflow}` : undefined;
}

function notRunning(r: AttemptRef, job: AttemptJobView): string | undefined {
  return job.status !== 'running' || job.attempt !== r.attempt
    ? `job ${r.job} is ${job.status} at attempt ${job.attempt}, not running at attempt ${r.attempt}`
    : undefined;
}

/**
 * What to do with a start:
 * - `start`: the job is `queued` at that attempt;
 * - `repeat`: the attempt already runs on the very compute node asking (its `executed`
 *   edge comes from it) — the worker's earlier start committed and its answer was lost.
 *   Answered `ok` again with nothing written, so a retried start never drops a job that did
 *   start (issue 9). A start of a running attempt by any other node stays refused;
 * - `refused` otherwise.
 */
export type StartAdmission = { kind: 'start' } | { kind: 'repeat' } | { kind: 'refused'; reason: string };

/**
 * @param view.executedFrom the `_from` of the attempt's `executed` edge (a compute node `_id`), when the job is running
 * @param view.node the `_id` of the compute node the start would run on
 */
export function admitStart(
  r: AttemptRef,
  view: { job: AttemptJobView | undefined; executedFrom?: string; node: string },
): StartAdmission {
  const absent = missing(r, view.job);
  if (absent !== undefined) return { kind: 'refused', reason: absent };
  const job = view.job!;
  if (job.attempt !== r.attempt)
    return { kind: 'refused', reason: `job ${r.job} is at attempt ${job.attempt}, not ${r.attempt}` };
  if (job.status === 'queued') return { kind: 'start' };
  if (job.status === 'running' && view.executedFrom === view.node) return { kind: 'repeat' };
  return { kind: 'refused', reason: `job ${r.job} is ${job.status}, not queued` };
}

/**
 * What to do with a completion report:
 * - `duplicate`: the attempt's result exists (the result key is the idempotency record);
 * - `refused` with `late`: the attempt's result exists because its worker was declared lost —
 *   the report comes from a worker that was cut off (and should have fenced itself): no
 *   duplicate of its own earlier report, so it is refused, and the store records the refusal;
 * - `canceled`: the report of an attempt a cancellation caught running — record its result
 *   as `canceled` and change nothing else (the cancellation already propagated);
 * - `record`: the job is running at that attempt;
 * - `refused` otherwise.
 */
export type CompletionAdmission =
  { kind: 'duplicate' } | { kind: 'canceled' } | { kind: 'record' } | { kind: 'refused'; reason: string; late?: true };

/**
 * @param view.resultLost with `hasResult`: the result is the one the lost-worker watchdog
 *   recorded (GraphStore.recordLostAttempts), not one the worker reported
 */
export function admitCompletion(
  r: AttemptRef,
  view: { hasResult: boolean; resultLost?: boolean; job: AttemptJobView | undefined },
): CompletionAdmission {
  if (view.hasResult && view.resultLost === true)
    return {
      kind: 'refused',
      late: true,
      reason: `attempt ${r.attempt} of job ${r.job} was recorded lost (its worker was declared lost); this late report is refused`,
    };
  if (view.hasResult) return { kind: 'duplicate' };
  const absent = missing(r, view.job);
  if (absent !== undefined) return { kind: 'refused', reason: absent };
  const job = view.job!;
  // Only an attempt canceled while `running` has a process on some worker that may report.
  if (canceledWhileRunning(job, r.attempt)) return { kind: 'canceled' };
  const reason = notRunning(r, job);
  return reason === undefined ? { kind: 'record' } : { kind: 'refused', reason };
}

/** Whether `job` is canceled at `attempt` and was `running` then: a process may still run it, and it may still report. */
function canceledWhileRunning(job: AttemptJobView, attempt: number): boolean {
  return job.status === 'canceled' && job.attempt === attempt && job.canceled_from === 'running';
}

/**
 * What to do with an attempt reported lost (its worker died):
 * - `lost`: the job is running at that attempt on that compute node — record it lost;
 * - `canceled`: a cancellation caught it running and its worker died before reporting —
 *   record its result as `canceled` (every attempt gets exactly one result) and change
 *   nothing else (the cancellation already propagated);
 * - `refused` when it has a result, its job moved on, or it runs on another compute node.
 * @param view.executedFrom the `_from` of the attempt's `executed` edge (a compute node `_id`)
 */
export type LostAttemptAdmission = { kind: 'lost' } | { kind: 'canceled' } | { kind: 'refused'; reason: string };

export function admitLostAttempt(
  r: AttemptRef & { compute_node: string },
  view: { hasResult: boolean; job: AttemptJobView | undefined; executedFrom: string | undefined },
): LostAttemptAdmission {
  if (view.hasResult) return { kind: 'refused', reason: `attempt ${r.attempt} of job ${r.job} already has a result` };
  const absent = missing(r, view.job);
  if (absent !== undefined) return { kind: 'refused', reason: absent };
  const canceled = canceledWhileRunning(view.job!, r.attempt);
  const reason = canceled ? undefined : notRunning(r, view.job!);
  if (reason !== undefined) return { kind: 'refused', reason };
  if (view.executedFrom !== docId('compute_nodes', r.compute_node))
    return { kind: 'refused', reason: `attempt ${r.attempt} of job ${r.job} does not run on ${r.compute_node}` };
  return { kind: canceled ? 'canceled' : 'lost' };
}
