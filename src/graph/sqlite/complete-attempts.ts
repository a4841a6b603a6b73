/**
 * completeAttempts: record results idempotently per (job, attempt), set job states and
 * unblock (or cancel) dependents. One transaction for the batch; O(N + out-degree).
 */
import { resultKey } from '../../core/keys.js';
import type { CompleteOptions, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { interruptedAttemptPlan } from '../lost-attempt-plan.js';
import { requeueNextAttempt } from './requeue-attempt.js';
import { resultFromReport } from '../result-document.js';
import { insertResult } from './result-rows.js';
import { resultFingerprint } from './fingerprint-rows.js';
import { completeCanceledAttempt } from './cancel-jobs.js';
import { finishJobs } from './finish-jobs.js';
import { retryFailedAttempt } from './retry-attempt.js';
import { appendEvents } from './append-events.js';
import { attemptReportedEvent } from '../attempt-events.js';
import type { SqliteContext } from './sqlite-context.js';

function completeOne(ctx: SqliteContext, r: CompleteRequest, options: CompleteOptions): CompleteOutcome {
  const key = resultKey(r.job, r.attempt);
  // The result's primary key is the idempotency record: a repeat finds it and changes nothing.
  if (ctx.stmt("SELECT 1 FROM docs WHERE collection = 'results' AND _key = ?").get(key)) {
    return { ok: true, duplicate: true, result: key, newly_ready: 0 };
  }
  const row = ctx.stmt('SELECT workflow, status, attempt FROM jobs WHERE _key = ?').get(r.job) as
    { workflow: string; status: string; attempt: number } | undefined;
  if (!row || row.workflow !== r.workflow)
    return { ok: false, reason: `job ${r.job} does not exist in workflow ${r.workflow}` };
  // The report of an attempt a cancellation caught running: record it, change nothing else.
  if (row.status === 'canceled') {
    const canceled = completeCanceledAttempt(ctx, r);
    if (canceled) return canceled;
  }
  if (row.status !== 'running' || row.attempt !== r.attempt) {
    return {
      ok: false,
      reason: `job ${r.job} is ${row.status} at attempt ${row.attempt}, not running at attempt ${r.attempt}`,
    };
  }
  insertResult(ctx, resultFromReport(r, resultFingerprint(ctx, r)));
  // An interrupted attempt runs again (capped), unless the cap is hit: then it ends as reported.
  const interrupted = interruptedAttemptPlan(r, () => jobDoc(ctx, r.job), options);
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
  const outcome = finishJobs(ctx, [{ job: r.job, status: r.status }]);
  return { ok: true, duplicate: false, result: key, newly_ready: outcome.newlyReady.length };
}

function jobDoc(ctx: SqliteContext, job: string): Record<string, unknown> {
  const row = ctx.stmt('SELECT doc FROM jobs WHERE _key = ?').get(job) as { doc: string };
  return JSON.parse(row.doc) as Record<string, unknown>;
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
