/**
 * The graph side of the lost-worker watchdog on ArangoDB, mirroring sqlite/lost-attempts.ts:
 * list running attempts (and canceled ones not yet reported) with their worker; record a dead
 * worker's attempts as lost (one result per attempt) and re-run them as attempt + 1, or fail
 * them once the cap is hit; a canceled one only gets its `canceled` result.
 */
import { EXECUTED_KEY_INFIX, RESULT_KEY_INFIX, resultKey } from '../../core/keys.js';
import { admitLostAttempt } from '../attempt-admission.js';
import type { EventFields, LostAttemptOutcome, LostAttemptRequest, RunningAttempt } from '../graph-store.js';
import { lostAttemptPlan, type LostAttemptOptions } from '../lost-attempt-plan.js';
import { canceledLostAttemptResult, lostAttemptResult } from '../result-document.js';
import { workerLostEvents } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { finishJobs } from './finish-jobs.js';
import { readExecutedFrom, readJobDoc, readJobState } from './job-state.js';
import type { QueryRunner } from './query-runner.js';
import { hasResult, insertResult } from './record-result.js';
import { requeuePatch, UPDATE_JOB_AQL } from './requeue-attempt.js';

/** Rows of `jobsAql` (an AQL loop that binds each job to `j`), with the worker of their current attempt. */
async function listAttempts(
  ctx: ArangoContext,
  jobsAql: string,
  bindVars: Record<string, unknown>,
  limit: number,
): Promise<RunningAttempt[]> {
  if (!(limit > 0)) return [];
  const rows = await ctx.run.all<RunningAttempt | null>({
    query: `
      ${jobsAql}
          LIMIT @limit
          // The executed edge of the current attempt has a deterministic key.
          LET e = DOCUMENT(CONCAT('executed/', j._key, @infix, j.attempt))
          LET n = e == null ? null : DOCUMENT(e._from)
          RETURN n == null || !IS_STRING(n.worker_id) ? null : {
            workflow: j.workflow, job: j._key, attempt: j.attempt,
            compute_node: n._key, worker_id: n.worker_id, started_at: j.started_at
          }`,
    bindVars: { ...bindVars, limit: Math.floor(limit), infix: EXECUTED_KEY_INFIX },
  });
  return rows.flatMap((r) => {
    if (r === null) return [];
    const { started_at, ...rest } = r;
    return [typeof started_at === 'string' ? { ...rest, started_at } : rest];
  });
}

export async function listRunningAttempts(ctx: ArangoContext, limit: number): Promise<RunningAttempt[]> {
  return listAttempts(
    ctx,
    `FOR w IN workflows
        FILTER w.status == 'running'
        FOR j IN jobs
          FILTER j.workflow == w._key AND j.status == 'running'`,
    {},
    limit,
  );
}

export async function listCanceledAttempts(ctx: ArangoContext, limit: number): Promise<RunningAttempt[]> {
  // The result key is deterministic too: a result present means the attempt was reported.
  return listAttempts(
    ctx,
    `FOR j IN jobs
          FILTER j.status == 'canceled' AND j.canceled_from == 'running'
          FILTER DOCUMENT(CONCAT('results/', j._key, @resultInfix, j.attempt)) == null`,
    { resultInfix: RESULT_KEY_INFIX },
    limit,
  );
}

async function recordOne(
  run: QueryRunner,
  r: LostAttemptRequest,
  options: LostAttemptOptions,
  now: string,
): Promise<LostAttemptOutcome> {
  const key = resultKey(r.job, r.attempt);
  const admission = admitLostAttempt(r, {
    hasResult: await hasResult(run, key),
    job: await readJobState(run, r.job),
    executedFrom: await readExecutedFrom(run, r.job, r.attempt),
  });
  if (admission.kind === 'refused') return { recorded: false, reason: admission.reason };

  const plan = lostAttemptPlan((await readJobDoc(run, r.job))!, options);
  const nodeAql = `
      LET nodeRows = (
        FOR n IN compute_nodes FILTER n._key == @node
          UPDATE n WITH { is_active: false, lost_at: @now } IN compute_nodes
          RETURN 1
      )`;
  if (admission.kind === 'canceled') {
    // The cancellation already set the job's state and propagated it: only the result was missing.
    await insertResult(run, canceledLostAttemptResult(r, plan, now), {
      aql: `${nodeAql}
      RETURN 1`,
      // A live worker's node (the heartbeat backstop) stays active: a null key matches no node.
      bindVars: { node: options.workerAlive ? null : r.compute_node, now },
    });
    return { recorded: true, result: key, outcome: 'canceled' };
  }
  const result = lostAttemptResult(r, plan, now);
  const jobPatch = plan.rerun
    ? requeuePatch(r.attempt, plan.lostReruns)
    : { status: 'failed', message: plan.jobMessage, finished_at: now, lost_reruns: plan.lostReruns };
  await insertResult(run, result, {
    aql: `${nodeAql}
      ${UPDATE_JOB_AQL}`,
    // A live worker's node (the heartbeat backstop) stays active: a null key matches no node.
    bindVars: { node: options.workerAlive ? null : r.compute_node, now, job: r.job, jobPatch },
  });
  if (plan.rerun)
    return {
      recorded: true,
      result: key,
      outcome: 'requeued',
      next_attempt: r.attempt + 1,
      lost_reruns: plan.lostReruns,
    };
  const outcome = await finishJobs(run, r.workflow, [{ job: r.job, status: 'failed' }]);
  return {
    recorded: true,
    result: key,
    outcome: 'failed',
    lost_reruns: plan.lostReruns,
    newly_ready: outcome.newlyReady.length,
  };
}

export async function recordLostAttempts(
  ctx: ArangoContext,
  requests: LostAttemptRequest[],
  options: LostAttemptOptions & { event?: EventFields },
): Promise<LostAttemptOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'results', 'returned', 'compute_nodes', 'events'], async (run) => {
    const now = new Date().toISOString();
    const out: LostAttemptOutcome[] = [];
    for (const r of requests) out.push(await recordOne(run, r, options, now));
    const events = workerLostEvents(requests, out, options, now);
    if (events.length) await insertMany(run, 'events', events);
    return out;
  });
}
