/**
 * The graph side of the lost-worker watchdog: list running attempts with the worker that
 * runs them, and record the attempts of a dead worker as lost — one result per attempt,
 * then a re-run as attempt + 1 (capped by `lost_reruns`) or, cap hit, a failure.
 */
import { resultKey } from '../../core/keys.js';
import { docId } from '../../core/model.js';
import type { LostAttemptOutcome, LostAttemptRequest, RunningAttempt } from '../graph-store.js';
import { lostAttemptPlan, type LostAttemptOptions } from '../lost-attempt-plan.js';
import { lostAttemptResult } from '../result-document.js';
import { insertResult } from './result-rows.js';
import { finishJobs } from './finish-jobs.js';
import { requeueNextAttempt } from './requeue-attempt.js';
import type { SqliteContext } from './sqlite-context.js';

interface RunningRow {
  job: string;
  workflow: string;
  attempt: number;
  started_at: string | null;
  node_key: string | null;
  worker_id: string | null;
}

const COMPUTE_NODE_PREFIX = 'compute_nodes/';

export function listRunningAttempts(ctx: SqliteContext, limit: number): RunningAttempt[] {
  if (!(limit > 0)) return [];
  return ctx.read(() => {
    // The executed edge of the current attempt has a deterministic key: no scan of old attempts.
    const rows = ctx
      .stmt(
        `SELECT j._key AS job, j.workflow, j.attempt, json_extract(j.doc, '$.started_at') AS started_at,
                n._key AS node_key, json_extract(n.doc, '$.worker_id') AS worker_id
         FROM jobs j
         JOIN workflows w ON w._key = j.workflow AND w.status = 'running'
         LEFT JOIN edges e ON e._key = j._key || '-x' || j.attempt AND e.collection = 'executed'
         LEFT JOIN docs n ON n.collection = 'compute_nodes' AND n._key = substr(e._from, ${COMPUTE_NODE_PREFIX.length + 1})
         WHERE j.status = 'running'
         LIMIT ?`,
      )
      .all(Math.floor(limit)) as RunningRow[];
    const out: RunningAttempt[] = [];
    for (const r of rows) {
      if (r.node_key === null || typeof r.worker_id !== 'string') continue;
      out.push({
        workflow: r.workflow,
        job: r.job,
        attempt: r.attempt,
        compute_node: r.node_key,
        worker_id: r.worker_id,
        ...(r.started_at !== null && { started_at: r.started_at }),
      });
    }
    return out;
  });
}

function recordOne(
  ctx: SqliteContext,
  r: LostAttemptRequest,
  options: LostAttemptOptions,
  now: string,
): LostAttemptOutcome {
  const key = resultKey(r.job, r.attempt);
  if (ctx.stmt("SELECT 1 FROM docs WHERE collection = 'results' AND _key = ?").get(key))
    return { recorded: false, reason: `attempt ${r.attempt} of job ${r.job} already has a result` };
  const row = ctx.stmt('SELECT workflow, status, attempt, doc FROM jobs WHERE _key = ?').get(r.job) as
    { workflow: string; status: string; attempt: number; doc: string } | undefined;
  if (!row || row.workflow !== r.workflow)
    return { recorded: false, reason: `job ${r.job} does not exist in workflow ${r.workflow}` };
  if (row.status !== 'running' || row.attempt !== r.attempt)
    return {
      recorded: false,
      reason: `job ${r.job} is ${row.status} at attempt ${row.attempt}, not running at attempt ${r.attempt}`,
    };
  const edge = ctx
    .stmt("SELECT _from FROM edges WHERE _key = ? AND collection = 'executed'")
    .get(`${r.job}-x${r.attempt}`) as { _from: string } | undefined;
  if (edge?._from !== docId('compute_nodes', r.compute_node))
    return { recorded: false, reason: `attempt ${r.attempt} of job ${r.job} does not run on ${r.compute_node}` };

  const plan = lostAttemptPlan(JSON.parse(row.doc) as Record<string, unknown>, options);
  const result = lostAttemptResult(r, plan, now);
  insertResult(ctx, result);
  ctx
    .stmt(
      `UPDATE docs SET doc = json_set(doc, '$.is_active', json('false'), '$.lost_at', @now)
       WHERE collection = 'compute_nodes' AND _key = @node`,
    )
    .run({ now, node: r.compute_node });

  if (plan.rerun) {
    requeueNextAttempt(ctx, r.job, plan.lostReruns);
    return {
      recorded: true,
      result: key,
      outcome: 'requeued',
      next_attempt: r.attempt + 1,
      lost_reruns: plan.lostReruns,
    };
  }
  ctx
    .stmt(
      `UPDATE jobs SET status = 'failed',
       doc = json_set(doc, '$.status', 'failed', '$.message', @message, '$.finished_at', @now, '$.lost_reruns', @n)
       WHERE _key = @job`,
    )
    .run({ message: plan.jobMessage, now, n: plan.lostReruns, job: r.job });
  const outcome = finishJobs(ctx, [{ job: r.job, status: 'failed' }]);
  return {
    recorded: true,
    result: key,
    outcome: 'failed',
    lost_reruns: plan.lostReruns,
    newly_ready: outcome.newlyReady.length,
  };
}

export function recordLostAttempts(
  ctx: SqliteContext,
  requests: LostAttemptRequest[],
  options: LostAttemptOptions,
): LostAttemptOutcome[] {
  if (requests.length === 0) return [];
  return ctx.write(() => {
    const now = new Date().toISOString();
    return requests.map((r) => recordOne(ctx, r, options, now));
  });
}
