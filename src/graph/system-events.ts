/**
 * The events the store appends itself, inside the transaction that records an attempt,
 * so an event exists exactly when its state change does. Shared by every adapter.
 */
import type { EventDoc } from '../core/model.js';
import type { CompleteOutcome, CompleteRequest, StartRequest } from './graph-store.js';

export type NewSystemEvent = Omit<EventDoc, '_key' | '_id'>;

/** `attempt_retried`: a failure handler sent the job back to `ready` as `next_attempt`. */
export function attemptRetriedEvent(r: CompleteRequest, next_attempt: number, now: string): NewSystemEvent {
  return {
    workflow: r.workflow,
    timestamp: now,
    source: 'system',
    type: 'attempt_retried',
    job: r.job,
    attempt: r.attempt,
    return_code: r.return_code,
    next_attempt,
  };
}

/** `job_started`: the attempt runs on `compute_node` (written with the start, so neither exists without the other). */
export function jobStartedEvent(r: StartRequest, compute_node: string, now: string): NewSystemEvent {
  return {
    workflow: r.workflow,
    timestamp: now,
    source: 'system',
    type: 'job_started',
    job: r.job,
    attempt: r.attempt,
    compute_node,
    worker_id: r.worker.worker_id,
  };
}

/**
 * The event of a recorded report: `job_completed`, `job_failed` (its end),
 * `job_terminated` (the worker ended it; `reason` says why), `attempt_failed` (a failure
 * handler retries it), `attempt_interrupted` (its worker was taken away; it runs again as
 * `next_attempt`), or `canceled_attempt_reported`
 * (its job was canceled while it ran). Duplicates and refusals changed nothing: no event.
 */
export function attemptReportedEvent(
  r: CompleteRequest,
  outcome: CompleteOutcome,
  now: string,
): NewSystemEvent | undefined {
  if (!outcome.ok || outcome.duplicate) return undefined;
  const type = outcome.canceled
    ? 'canceled_attempt_reported'
    : r.interrupted === true && outcome.next_attempt !== undefined
      ? 'attempt_interrupted'
      : r.status === 'completed'
        ? 'job_completed'
        : r.status === 'terminated'
          ? 'job_terminated'
          : outcome.next_attempt !== undefined
            ? 'attempt_failed'
            : 'job_failed';
  return {
    workflow: r.workflow,
    timestamp: now,
    source: 'system',
    type,
    ...(outcome.canceled && { reported_status: r.status }),
    // Why the worker ended it: runtime limit, cancellation, its own stop.
    ...((type === 'job_terminated' || type === 'attempt_interrupted') && {
      reason: r.message ?? 'terminated by the worker',
    }),
    ...(outcome.next_attempt !== undefined && { next_attempt: outcome.next_attempt }),
    job: r.job,
    attempt: r.attempt,
    status: outcome.canceled ? 'canceled' : r.status,
    return_code: r.return_code,
    compute_node: r.compute_node,
    result: outcome.result,
  };
}
