/**
 * The events the store appends itself, inside the transaction that records an attempt,
 * so an event exists exactly when its state change does. Shared by every adapter.
 */
import type { EventDoc } from '../core/model.js';
import type { CompleteRequest } from './graph-store.js';

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

/** `job_terminated`: the worker ended the attempt itself (runtime limit, cancellation, stop). */
export function jobTerminatedEvent(r: CompleteRequest, now: string): NewSystemEvent {
  return {
    workflow: r.workflow,
    timestamp: now,
    source: 'system',
    type: 'job_terminated',
    job: r.job,
    attempt: r.attempt,
    return_code: r.return_code,
    reason: r.message ?? 'terminated by the worker',
    compute_node: r.compute_node,
  };
}
