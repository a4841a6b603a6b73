/**
 * Cancellation on SQLite: cancelWorkflow, cancelJob (each with its event, in its
 * transaction), and the completion of an attempt that was running when its job was
 * canceled (completeAttempts delegates to it).
 *
 * A canceled job's document keeps `canceled_from` (the status it had): only an attempt
 * canceled while `running` may still report, because only such an attempt has a process
 * on some worker. Its report records the result and nothing else.
 */
import { NotFoundError } from '../../core/errors.js';
import { resultKey } from '../../core/keys.js';
import { NON_FINAL_JOB_STATUSES, type JobStatus, type WorkflowDoc } from '../../core/model.js';
import type { CancelOutcome, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { checkCancelJob, checkCancelWorkflow } from '../lifecycle-rules.js';
import { canceledWhileRunning, resultFromReport } from '../result-document.js';
import { jobCanceledEvent, workflowCanceledEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { insertResult } from './record-result.js';
import { finishJobs } from './finish-jobs.js';
import { sqlList, type SqliteContext } from './sqlite-context.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

const NON_FINAL = sqlList(NON_FINAL_JOB_STATUSES);
const DEFAULT_MESSAGE = 'canceled';

interface OpenJobRow {
  _key: string;
  status: JobStatus;
  attempt: number;
}

function split(rows: OpenJobRow[]): Pick<CancelOutcome, 'running' | 'queued'> {
  const pick = (s: JobStatus) => rows.filter((r) => r.status === s).map((r) => ({ job: r._key, attempt: r.attempt }));
  return { running: pick('running'), queued: pick('queued') };
}

export function cancelWorkflow(ctx: SqliteContext, key: string, message = DEFAULT_MESSAGE): CancelOutcome {
  return ctx.write(() => {
    const doc = requireWorkflow(ctx, key);
    checkCancelWorkflow(doc);
    const open = ctx
      .stmt(`SELECT _key, status, attempt FROM jobs WHERE workflow = ? AND status IN ${NON_FINAL} ORDER BY _key`)
      .all(key) as OpenJobRow[];
    const now = new Date().toISOString();
    // Every unfinished job is canceled, so no dependent is left to propagate to. The
    // right-hand `status` is the old one: SQLite evaluates SET expressions on the old row.
    ctx
      .stmt(
        `UPDATE jobs SET status = 'canceled', doc = json_set(doc, '$.status', 'canceled', '$.finished_at', @now,
           '$.canceled_from', status, '$.message', @message)
         WHERE workflow = @workflow AND status IN ${NON_FINAL}`,
      )
      .run({ now, message, workflow: key });
    const next: WorkflowDoc = { ...doc, status: 'canceled', finished_at: now };
    replaceWorkflow(ctx, next);
    const outcome = { workflow: next, canceled: open.map((r) => r._key), ...split(open), newly_ready: 0 };
    appendEvents(ctx, [workflowCanceledEvent(outcome, now)]);
    return outcome;
  });
}

export function cancelJob(ctx: SqliteContext, workflow: string, job: string, message = DEFAULT_MESSAGE): CancelOutcome {
  return ctx.write(() => {
    const doc = requireWorkflow(ctx, workflow);
    const row = ctx.stmt('SELECT _key, workflow, status, attempt FROM jobs WHERE _key = ?').get(job) as
      (OpenJobRow & { workflow: string }) | undefined;
    if (!row || row.workflow !== workflow) throw new NotFoundError('jobs', job);
    checkCancelJob(doc, job, row.status);
    const now = new Date().toISOString();
    ctx
      .stmt(
        `UPDATE jobs SET status = 'canceled', doc = json_set(doc, '$.status', 'canceled', '$.finished_at', @now,
           '$.canceled_from', status, '$.message', @message)
         WHERE _key = @job`,
      )
      .run({ now, message, job });
    const propagated = finishJobs(ctx, workflow, [{ job, status: 'canceled' }]);
    const outcome = {
      workflow: doc,
      canceled: [job, ...propagated.canceled],
      ...split([row]),
      newly_ready: propagated.newlyReady.length,
    };
    appendEvents(ctx, [jobCanceledEvent(job, outcome, now)]);
    return outcome;
  });
}

/**
 * Record the report of an attempt a cancellation caught running (../attempt-admission.ts
 * admitted it as `canceled`): its result with status `canceled`, whatever the worker saw;
 * the job keeps its state and nothing propagates (the cancellation did that). Caller owns
 * the transaction.
 */
export function recordCanceledAttempt(ctx: SqliteContext, r: CompleteRequest): CompleteOutcome {
  insertResult(ctx, resultFromReport(r, canceledWhileRunning(r)));
  return { ok: true, duplicate: false, result: resultKey(r.job, r.attempt), newly_ready: 0, canceled: true };
}
