/**
 * The graph side of the lost-worker watchdog: list running attempts (and canceled ones not
 * yet reported) with the worker that runs them, and record the attempts of a dead worker as
 * lost — one result per attempt, then a re-run as attempt + 1 (capped by `lost_reruns`) or,
 * cap hit, a failure; a canceled one only gets its `canceled` result.
 */
import { EXECUTED_KEY_INFIX, RESULT_KEY_INFIX, resultKey } from '../../core/keys.js';
import { admitLostAttempt } from '../attempt-admission.js';
import type { EventFields, LostAttemptOutcome, LostAttemptRequest, RunningAttempt } from '../graph-store.js';
import { lostAttemptPlan, type LostAttemptOptions } from '../lost-attempt-plan.js';
import { canceledLostAttemptResult, lostAttemptResult } from '../result-document.js';
import { workerLostEvents } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { readExecutedFrom, readJobDoc, readJobState } from './job-state.js';
import { hasResult, insertResult } from './record-result.js';
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

/** Attempts matching `where` (a condition on the job row `j`), with the worker of their current attempt. */
function listAttempts(ctx: SqliteContext, where: string, limit: number): RunningAttempt[] {
  if (!(limit > 0)) return [];
  return ctx.read(() => {
    // The executed edge of the current attempt has a deterministic key: no scan of old attempts.
    const rows = ctx
      .stmt(
        `SELECT j._key AS job, j.workflow, j.attempt, json_extract(j.doc, '$.started_at') AS started_at,
                n._key AS node_key, json_extract(n.doc, '$.worker_id') AS worker_id
         FROM jobs j
         LEFT JOIN edges e ON e._key = j._key || '${EXECUTED_KEY_INFIX}' || j.attempt AND e.collection = 'executed'
         LEFT JOIN docs n ON n.collection = 'compute_nodes' AND n._key = substr(e._from, ${COMPUTE_NODE_PREFIX.length + 1})
         WHERE ${where}
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

export function listRunningAttempts(ctx: SqliteContext, limit: number): RunningAttempt[] {
  return listAttempts(
    ctx,
    `j.status = 'running' AND EXISTS (SELECT 1 FROM workflows w WHERE w._key = j.workflow AND w.status = 'running')`,
    limit,
  );
}

export function listCanceledAttempts(ctx: SqliteContext, limit: number): RunningAttempt[] {
  // The result key is deterministic too: a result present means the attempt was reported.
  return listAttempts(
    ctx,
    `j.status = 'canceled' AND json_extract(j.doc, '$.canceled_from') = 'running'
     AND NOT EXISTS (SELECT 1 FROM docs r WHERE r.collection = 'results'
                     AND r._key = j._key || '${RESULT_KEY_INFIX}' || j.attempt)`,
    limit,
  );
}

function recordOne(
  ctx: SqliteContext,
  r: LostAttemptRequest,
  options: LostAttemptOptions,
  now: string,
): LostAttemptOutcome {
  const key = resultKey(r.job, r.attempt);
  const admission = admitLostAttempt(r, {
    hasResult: hasResult(ctx, key),
    job: readJobState(ctx, r.job),
    executedFrom: readExecutedFrom(ctx, r.job, r.attempt),
  });
  if (admission.kind === 'refused') return { recorded: false, reason: admission.reason };

  const plan = lostAttemptPlan(readJobDoc(ctx, r.job), options);
  const canceled = admission.kind === 'canceled';
  insertResult(ctx, canceled ? canceledLostAttemptResult(r, plan, now) : lostAttemptResult(r, plan, now));
  if (!options.workerAlive)
    ctx
      .stmt(
        `UPDATE docs SET doc = json_set(doc, '$.is_active', json('false'), '$.lost_at', @now)
         WHERE collection = 'compute_nodes' AND _key = @node`,
      )
      .run({ now, node: r.compute_node });
  // The cancellation already set the job's state and propagated it: only the result was missing.
  if (canceled) return { recorded: true, result: key, outcome: 'canceled' };

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
  const outcome = finishJobs(ctx, r.workflow, [{ job: r.job, status: 'failed' }]);
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
  options: LostAttemptOptions & { event?: EventFields },
): LostAttemptOutcome[] {
  if (requests.length === 0) return [];
  return ctx.write(() => {
    const now = new Date().toISOString();
    const outcomes = requests.map((r) => recordOne(ctx, r, options, now));
    const events = workerLostEvents(requests, outcomes, options, now);
    if (events.length) appendEvents(ctx, events);
    return outcomes;
  });
}
