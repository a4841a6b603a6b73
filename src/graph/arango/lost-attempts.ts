/**
 * The graph side of the lost-worker watchdog on ArangoDB, mirroring sqlite/lost-attempts.ts:
 * list running attempts with their worker; record a dead worker's attempts as lost (one
 * result per attempt) and re-run them as attempt + 1, or fail them once the cap is hit.
 */
import { resultKey } from '../../core/keys.js';
import { docId } from '../../core/model.js';
import type { LostAttemptOutcome, LostAttemptRequest, RunningAttempt } from '../graph-store.js';
import { lostAttemptPlan, type LostAttemptOptions } from '../lost-attempt-plan.js';
import { lostAttemptResult } from '../result-document.js';
import { recordResultQuery } from './queries/record-result.js';
import type { ArangoContext } from './arango-context.js';
import { finishJobs } from './finish-jobs.js';
import type { QueryRunner } from './query-runner.js';

export async function listRunningAttempts(ctx: ArangoContext, limit: number): Promise<RunningAttempt[]> {
  if (!(limit > 0)) return [];
  const rows = await ctx.run.all<RunningAttempt | null>({
    query: `
      FOR w IN workflows
        FILTER w.status == 'running'
        FOR j IN jobs
          FILTER j.workflow == w._key AND j.status == 'running'
          LIMIT @limit
          // The executed edge of the current attempt has a deterministic key.
          LET e = DOCUMENT(CONCAT('executed/', j._key, '-x', j.attempt))
          LET n = e == null ? null : DOCUMENT(e._from)
          RETURN n == null || !IS_STRING(n.worker_id) ? null : {
            workflow: j.workflow, job: j._key, attempt: j.attempt,
            compute_node: n._key, worker_id: n.worker_id, started_at: j.started_at
          }`,
    bindVars: { limit: Math.floor(limit) },
  });
  return rows.flatMap((r) => {
    if (r === null) return [];
    const { started_at, ...rest } = r;
    return [typeof started_at === 'string' ? { ...rest, started_at } : rest];
  });
}

async function recordOne(
  run: QueryRunner,
  r: LostAttemptRequest,
  options: LostAttemptOptions,
  now: string,
): Promise<LostAttemptOutcome> {
  const key = resultKey(r.job, r.attempt);
  const seen = await run.one<boolean>({
    query: 'RETURN DOCUMENT(@id) != null',
    bindVars: { id: docId('results', key) },
  });
  if (seen) return { recorded: false, reason: `attempt ${r.attempt} of job ${r.job} already has a result` };
  const state = await run.one<{ job: Record<string, unknown> | null; from: string | null }>({
    query: `
      LET j = DOCUMENT(@job)
      LET e = DOCUMENT(@edge)
      RETURN { job: j, from: e == null ? null : e._from }`,
    bindVars: { job: docId('jobs', r.job), edge: docId('executed', `${r.job}-x${r.attempt}`) },
  });
  const job = state?.job;
  if (!job || job.workflow !== r.workflow)
    return { recorded: false, reason: `job ${r.job} does not exist in workflow ${r.workflow}` };
  if (job.status !== 'running' || job.attempt !== r.attempt) {
    return {
      recorded: false,
      reason: `job ${r.job} is ${String(job.status)} at attempt ${String(job.attempt)}, not running at attempt ${r.attempt}`,
    };
  }
  if (state?.from !== docId('compute_nodes', r.compute_node))
    return { recorded: false, reason: `attempt ${r.attempt} of job ${r.job} does not run on ${r.compute_node}` };

  const plan = lostAttemptPlan(job, options);
  const result = lostAttemptResult(r, plan, now);
  const jobPatch = plan.rerun
    ? { status: 'ready', attempt: r.attempt + 1, lost_reruns: plan.lostReruns, queued_at: null }
    : { status: 'failed', message: plan.jobMessage, finished_at: now, lost_reruns: plan.lostReruns };
  await run.all(
    recordResultQuery(result, {
      aql: `
      LET nodeRows = (
        FOR n IN compute_nodes FILTER n._key == @node
          UPDATE n WITH { is_active: false, lost_at: @now } IN compute_nodes
          RETURN 1
      )
      UPDATE { _key: @job } WITH @jobPatch IN jobs OPTIONS { keepNull: false }`,
      bindVars: { node: r.compute_node, now, job: r.job, jobPatch },
    }),
  );
  if (plan.rerun)
    return {
      recorded: true,
      result: key,
      outcome: 'requeued',
      next_attempt: r.attempt + 1,
      lost_reruns: plan.lostReruns,
    };
  const outcome = await finishJobs(run, [{ job: r.job, status: 'failed' }]);
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
  options: LostAttemptOptions,
): Promise<LostAttemptOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'results', 'returned', 'compute_nodes'], async (run) => {
    const now = new Date().toISOString();
    const out: LostAttemptOutcome[] = [];
    for (const r of requests) out.push(await recordOne(run, r, options, now));
    return out;
  });
}
