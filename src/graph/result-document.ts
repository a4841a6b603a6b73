/**
 * The result document of one reported attempt, built the same way by every adapter and
 * every path that records one (completion, a canceled attempt's report, a lost attempt).
 */
import { resultKey } from '../core/keys.js';
import { docId, type ResultDoc } from '../core/model.js';
import type { CompleteRequest, LostAttemptRequest } from './graph-store.js';

/**
 * The result of report `r`; `overrides` replace what the report says (a canceled
 * attempt's status and message, a lost attempt's return code).
 */
export function resultFromReport(r: CompleteRequest, overrides: Partial<ResultDoc> | object = {}): ResultDoc {
  const key = resultKey(r.job, r.attempt);
  return {
    _key: key,
    _id: docId('results', key),
    workflow: r.workflow,
    job: r.job,
    attempt: r.attempt,
    status: r.status,
    return_code: r.return_code,
    exec_time_s: r.exec_time_s,
    completion_time: r.completion_time,
    compute_node: r.compute_node,
    ...(r.stdout_path !== undefined && { stdout_path: r.stdout_path }),
    ...(r.stderr_path !== undefined && { stderr_path: r.stderr_path }),
    ...(r.stdout_tail !== undefined && { stdout_tail: r.stdout_tail }),
    ...(r.stderr_tail !== undefined && { stderr_tail: r.stderr_tail }),
    ...(r.message !== undefined && { message: r.message }),
    ...(r.interrupted === true && { interrupted: true }),
    ...(r.resource_usage !== undefined && { resource_usage: r.resource_usage }),
    ...overrides,
  };
}

/** What the report of an attempt canceled while running records instead of its own status. */
export function canceledWhileRunning(r: CompleteRequest): Partial<ResultDoc> {
  return {
    status: 'canceled',
    message: `canceled while running (worker reported ${r.status}${r.message ? `: ${r.message}` : ''})`,
  };
}

/** The result of an attempt whose worker was lost: failed, return code -1, flagged `lost`. */
export function lostAttemptResult(
  r: LostAttemptRequest,
  plan: { execTimeS(now: string): number; resultMessage: string },
  now: string,
): ResultDoc {
  return resultFromReport(
    { ...r, status: 'failed', return_code: -1, exec_time_s: plan.execTimeS(now), completion_time: now },
    { message: plan.resultMessage, lost: true },
  );
}

/** The message of a canceled attempt's result when its worker died before reporting it. */
const CANCELED_LOST_MESSAGE = 'canceled while running; the worker was lost before it reported the attempt';

/**
 * The result of an attempt a cancellation caught running whose worker died before reporting
 * it: `canceled` (what the graph already says of the job), return code -1, flagged `lost`.
 */
export function canceledLostAttemptResult(
  r: LostAttemptRequest,
  plan: { execTimeS(now: string): number },
  now: string,
): ResultDoc {
  return resultFromReport(
    { ...r, status: 'canceled', return_code: -1, exec_time_s: plan.execTimeS(now), completion_time: now },
    { message: CANCELED_LOST_MESSAGE, lost: true },
  );
}
