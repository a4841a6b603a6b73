/**
 * The worker-facing lifecycle on ArangoDB: startAttempts, completeAttempts, failJobs.
 * Each call is one stream transaction for its whole batch, answered per item in order.
 */
import { NotFoundError } from '../../core/errors.js';
import { resultKey } from '../../core/keys.js';
import { FINAL_JOB_STATUSES, docId, type JobStatus } from '../../core/model.js';
import type { CompleteOptions, CompleteOutcome, CompleteRequest, StartOutcome, StartRequest } from '../graph-store.js';
import { interruptedAttemptPlan } from '../lost-attempt-plan.js';
import { resultFromReport } from '../result-document.js';
import { recordResultQuery } from './queries/record-result.js';
import type { ArangoContext } from './arango-context.js';
import { completeCanceledAttempt } from './cancel-jobs.js';
import { finishJobs } from './finish-jobs.js';
import { inputFilesOf, resultFingerprint } from './fingerprints.js';
import { jobStateQuery } from './queries/job-state.js';
import { startAttemptQuery } from './queries/start-attempt.js';
import type { QueryRunner } from './query-runner.js';
import { planRetry } from './retry-attempt.js';
import { insertMany } from './arango-context.js';
import { attemptReportedEvent, attemptRetriedEvent, jobStartedEvent } from '../attempt-events.js';
import { requireWorkflow } from './workflow-ops.js';

export async function startAttempts(ctx: ArangoContext, requests: StartRequest[]): Promise<StartOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'compute_nodes', 'executed', 'events'], async (run) => {
    const now = new Date().toISOString();
    const out: StartOutcome[] = [];
    // One query per item, in order: a later item sees what an earlier one wrote.
    for (const r of requests) {
      const nodeKey = `${r.workflow}-${r.worker.worker_id}`;
      const row = await run.one(
        startAttemptQuery({
          workflow: r.workflow,
          job: r.job,
          attempt: r.attempt,
          node: { _key: nodeKey, workflow: r.workflow, ...r.worker, started_at: now, is_active: true },
          edgeKey: `${r.job}-x${r.attempt}`,
          now,
        }),
      );
      if (!row || row.refused !== null || !row.job)
        out.push({ ok: false, reason: row?.refused ?? `job ${r.job} could not be started` });
      else out.push({ ok: true, job: row.job, compute_node: nodeKey, input_files: await inputFilesOf(run, r.job) });
    }
    const events = out.flatMap((o, i) => (o.ok ? [jobStartedEvent(requests[i]!, o.compute_node, now)] : []));
    if (events.length) await insertMany(run, 'events', events);
    return out;
  });
}

async function completeOne(run: QueryRunner, r: CompleteRequest, options: CompleteOptions): Promise<CompleteOutcome> {
  const key = resultKey(r.job, r.attempt);
  // The result's key is the idempotency record: a repeat finds it and changes nothing.
  const seen = await run.one<boolean>({
    query: 'RETURN DOCUMENT(@id) != null',
    bindVars: { id: docId('results', key) },
  });
  if (seen) return { ok: true, duplicate: true, result: key, newly_ready: 0 };
  const job = await run.one(jobStateQuery(r.job));
  if (!job || job.workflow !== r.workflow)
    return { ok: false, reason: `job ${r.job} does not exist in workflow ${r.workflow}` };
  // The report of an attempt a cancellation caught running: record it, change nothing else.
  if (job.status === 'canceled') {
    const canceled = await completeCanceledAttempt(run, r);
    if (canceled) return canceled;
  }
  if (job.status !== 'running' || job.attempt !== r.attempt) {
    return {
      ok: false,
      reason: `job ${r.job} is ${job.status} at attempt ${job.attempt}, not running at attempt ${r.attempt}`,
    };
  }
  const result = resultFromReport(r, await resultFingerprint(run, r));
  const now = new Date().toISOString();
  // An interrupted attempt runs again (capped), unless the cap is hit: then it ends as reported.
  const jobDoc = r.interrupted
    ? await run.one<Record<string, unknown>>({ query: 'RETURN DOCUMENT(@id)', bindVars: { id: docId('jobs', r.job) } })
    : null;
  const interrupted = interruptedAttemptPlan(r, () => jobDoc ?? {}, options);
  if (interrupted?.rerun) {
    await run.all(
      recordResultQuery(result, {
        aql: 'UPDATE { _key: @job } WITH @jobPatch IN jobs OPTIONS { keepNull: false }',
        bindVars: {
          job: r.job,
          jobPatch: { status: 'ready', attempt: r.attempt + 1, lost_reruns: interrupted.lostReruns, queued_at: null },
        },
      }),
    );
    return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt: r.attempt + 1 };
  }
  // A failure handler may send the job back to `ready` instead: nothing finishes then.
  const retry = await planRetry(run, r);
  const jobPatch = retry
    ? { status: 'ready', attempt: retry.next_attempt, failure_retries: retry.failure_retries }
    : { status: r.status, finished_at: now, ...(interrupted && { message: interrupted.jobMessage }) };
  await run.all(
    recordResultQuery(result, {
      aql: 'UPDATE { _key: @job } WITH @jobPatch IN jobs',
      bindVars: { job: r.job, jobPatch },
    }),
  );
  if (retry) {
    await insertMany(run, 'events', [attemptRetriedEvent(r, retry.next_attempt, now)]);
    return { ok: true, duplicate: false, result: key, newly_ready: 1, next_attempt: retry.next_attempt };
  }
  const outcome = await finishJobs(run, [{ job: r.job, status: r.status }]);
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

export async function failJobs(ctx: ArangoContext, workflow: string, jobs: string[], message: string): Promise<void> {
  await ctx.transaction(['jobs'], async (run) => {
    await requireWorkflow(run, workflow);
    const now = new Date().toISOString();
    const failed: Array<{ job: string; status: JobStatus }> = [];
    for (const job of jobs) {
      const state = await run.one(jobStateQuery(job));
      if (!state || state.workflow !== workflow) throw new NotFoundError('jobs', job);
      // A job already final has propagated once; failing it again would decrement twice.
      if (FINAL_JOB_STATUSES.has(state.status) || failed.some((f) => f.job === job)) continue;
      failed.push({ job, status: 'failed' });
    }
    if (failed.length) {
      await run.all({
        query: `
          FOR k IN @jobs
            UPDATE { _key: k } WITH { status: 'failed', message: @message, finished_at: @now } IN jobs`,
        bindVars: { jobs: failed.map((f) => f.job), message, now },
      });
    }
    await finishJobs(run, failed);
  });
}
