/**
 * completeAttempts on ArangoDB, mirroring sqlite/complete-attempts.ts: record results
 * idempotently per (job, attempt), set job states and unblock (or cancel) dependents. One
 * stream transaction for the batch, answered per item in order.
 */
import { resultKey } from '../../core/keys.js';
import { admitCompletion } from '../attempt-admission.js';
import type { CompleteOptions, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { interruptedAttemptPlan } from '../lost-attempt-plan.js';
import { resultFromReport } from '../result-document.js';
import { attemptReportedEvent, attemptRetriedEvent, lateReportRefusedEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { recordCanceledAttempt } from './cancel-jobs.js';
import { resultFingerprint } from './fingerprints.js';
import { finishJobs } from './finish-jobs.js';
import { readJobDoc, readJobState } from './job-state.js';
import type { QueryRunner } from './query-runner.js';
import { hasResult, insertResult, isLostResult } from './record-result.js';
import { requeuePatch, UPDATE_JOB_AQL } from './requeue-attempt.js';
import { planRetry } from './retry-attempt.js';

async function completeOne(run: QueryRunner, r: CompleteRequest, options: CompleteOptions): Promise<CompleteOutcome> {
  const key = resultKey(r.job, r.attempt);
  const recorded = await hasResult(run, key);
  const admission = admitCompletion(r, {
    hasResult: recorded,
    resultLost: recorded && (await isLostResult(run, key)),
    job: await readJobState(run, r.job),
  });
  if (admission.kind === 'duplicate') return { ok: true, duplicate: true, result: key, newly_ready: 0 };
  if (admission.kind === 'refused') {
    // Refused, and recorded: a worker ran the attempt past its declared loss.
    if (admission.late)
      await insertMany(run, 'events', [lateReportRefusedEvent(r, admission.reason, new Date().toISOString())]);
    return { ok: false, reason: admission.reason };
  }
  if (admission.kind === 'canceled') return recordCanceledAttempt(run, r);
  const result = resultFromReport(r, await resultFingerprint(run, r));
  const now = new Date().toISOString();
  // An interrupted attempt runs again (capped), unless the cap is hit: then it ends as reported.
  const jobDoc = r.interrupted ? await readJobDoc(run, r.job) : undefined;
  const interrupted = interruptedAttemptPlan(r, () => jobDoc ?? {}, options);
  if (interrupted?.rerun) {
    await insertResult(run, result, {
      aql: UPDATE_JOB_AQL,
      bindVars: { job: r.job, jobPatch: requeuePatch(r.attempt, interrupted.lostReruns) },
    });
    return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt: r.attempt + 1 };
  }
  // A failure handler may send the job back to `ready` instead: nothing finishes then.
  const retry = await planRetry(run, r);
  const jobPatch = retry
    ? { status: 'ready', attempt: retry.next_attempt, failure_retries: retry.failure_retries }
    : { status: r.status, finished_at: now, ...(interrupted && { message: interrupted.jobMessage }) };
  await insertResult(run, result, { aql: UPDATE_JOB_AQL, bindVars: { job: r.job, jobPatch } });
  if (retry) {
    await insertMany(run, 'events', [attemptRetriedEvent(r, retry.next_attempt, now)]);
    return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt: retry.next_attempt };
  }
  const outcome = await finishJobs(run, r.workflow, [{ job: r.job, status: r.status }]);
  return { ok: true, duplicate: false, result: key, newly_ready: outcome.newlyReady.length };
}

export async function completeAttempts(
  ctx: ArangoContext,
  requests: CompleteRequest[],
  options: CompleteOptions = {},
): Promise<CompleteOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'results', 'returned', 'events'], async (run) => {
    const out: CompleteOutcome[] = [];
    for (const r of requests) out.push(await completeOne(run, r, options));
    const now = new Date().toISOString();
    const events = out.flatMap((o, i) => {
      const event = attemptReportedEvent(requests[i]!, o, now);
      return event ? [event] : [];
    });
    if (events.length) await insertMany(run, 'events', events);
    return out;
  });
}
