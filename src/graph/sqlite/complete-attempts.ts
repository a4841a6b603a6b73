/**
 * completeAttempts: record results idempotently per (job, attempt), set job states and
 * unblock (or cancel) dependents. One transaction for the batch; O(N + out-degree).
 */
import { resultKey } from '../../core/keys.js';
import { admitCompletion } from '../attempt-admission.js';
import type { CompleteOptions, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { interruptedAttemptPlan } from '../lost-attempt-plan.js';
import { resultFromReport } from '../result-document.js';
import { attemptReportedEvent, lateReportRefusedEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { recordCanceledAttempt } from './cancel-jobs.js';
import { resultFingerprint } from './fingerprints.js';
import { finishJobs } from './finish-jobs.js';
import { readJobDoc, readJobState } from './job-state.js';
import { hasResult, insertResult, isLostResult } from './record-result.js';
import { requeueNextAttempt } from './requeue-attempt.js';
import { retryFailedAttempt } from './retry-attempt.js';
import type { SqliteContext } from './sqlite-context.js';

function completeOne(ctx: SqliteContext, r: CompleteRequest, options: CompleteOptions): CompleteOutcome {
  const key = resultKey(r.job, r.attempt);
  const recorded = hasResult(ctx, key);
  const admission = admitCompletion(r, {
    hasResult: recorded,
    resultLost: recorded && isLostResult(ctx, key),
    job: readJobState(ctx, r.job),
  });
  if (admission.kind === 'duplicate') return { ok: true, duplicate: true, result: key, newly_ready: 0 };
  if (admission.kind === 'refused') {
    // Refused, and recorded: a worker ran the attempt past its declared loss.
    if (admission.late) appendEvents(ctx, [lateReportRefusedEvent(r, admission.reason, new Date().toISOString())]);
    return { ok: false, reason: admission.reason };
  }
  if (admission.kind === 'canceled') return recordCanceledAttempt(ctx, r);
  insertResult(ctx, resultFromReport(r, resultFingerprint(ctx, r)));
  // An interrupted attempt runs again (capped), unless the cap is hit: then it ends as reported.
  const interrupted = interruptedAttemptPlan(r, () => readJobDoc(ctx, r.job), options);
  if (interrupted?.rerun) {
    requeueNextAttempt(ctx, r.job, interrupted.lostReruns);
    return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt: r.attempt + 1 };
  }
  // A failure handler may send the job back to `ready` instead: nothing finishes then.
  const next_attempt = retryFailedAttempt(ctx, r);
  if (next_attempt !== undefined) return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt };
  ctx
    .stmt(
      `UPDATE jobs SET status = @status, doc = json_set(doc, '$.status', @status, '$.finished_at', @now) WHERE _key = @job`,
    )
    .run({ status: r.status, now: new Date().toISOString(), job: r.job });
  if (interrupted)
    ctx.stmt(`UPDATE jobs SET doc = json_set(doc, '$.message', ?) WHERE _key = ?`).run(interrupted.jobMessage, r.job);
  const outcome = finishJobs(ctx, r.workflow, [{ job: r.job, status: r.status }]);
  return { ok: true, duplicate: false, result: key, newly_ready: outcome.newlyReady.length };
}

export function completeAttempts(
  ctx: SqliteContext,
  requests: CompleteRequest[],
  options: CompleteOptions = {},
): CompleteOutcome[] {
  return ctx.write(() => {
    const outcomes = requests.map((r) => completeOne(ctx, r, options));
    const now = new Date().toISOString();
    const events = outcomes.flatMap((o, i) => {
      const event = attemptReportedEvent(requests[i]!, o, now);
      return event ? [event] : [];
    });
    if (events.length) appendEvents(ctx, events);
    return outcomes;
  });
}
