/**
 * Cancellation on SQLite: cancelWorkflow, cancelJob, and the completion of an attempt that
 * was running when its job was canceled (completeAttempts delegates to it).
 *
 * A canceled job's document keeps `canceled_from` (the status it had): only an attempt
 * canceled while `running` may still report, because only such an attempt has a process
 * on some worker. Its report records the result and nothing else.
 */
import { InvalidStateError, NotFoundError } from '../../core/errors.js';
import { resultKey } from '../../core/keys.js';
import { FINAL_JOB_STATUSES, type JobStatus, type WorkflowDoc } from '../../core/model.js';
import type { CancelOutcome, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { canceledWhileRunning, resultFromReport } from '../result-document.js';
import { insertResult } from './result-rows.js';
import { finishJobs } from './finish-jobs.js';
import type { SqliteContext } from './sqlite-context.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

const NON_FINAL = "('uninitialized', 'blocked', 'ready', 'queued', 'running')";
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
    if (doc.status !== 'running' && doc.status !== 'created')
      throw new InvalidStateError(
        `workflow ${key} is ${doc.status}; only a created or running workflow can be canceled`,
        {
          workflow: key,
          status: doc.status,
        },
      );
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
    return { workflow: next, canceled: open.map((r) => r._key), ...split(open), newly_ready: 0 };
  });
}

export function cancelJob(ctx: SqliteContext, workflow: string, job: string, message = DEFAULT_MESSAGE): CancelOutcome {
  return ctx.write(() => {
    const doc = requireWorkflow(ctx, workflow);
    const row = ctx.stmt('SELECT _key, workflow, status, attempt FROM jobs WHERE _key = ?').get(job) as
      (OpenJobRow & { workflow: string }) | undefined;
    if (!row || row.workflow !== workflow) throw new NotFoundError('jobs', job);
    if (doc.status !== 'running')
      throw new InvalidStateError(`workflow ${workflow} is ${doc.status}; jobs can be canceled only while it runs`, {
        workflow,
        status: doc.status,
      });
    if (FINAL_JOB_STATUSES.has(row.status))
      throw new InvalidStateError(`job ${job} is already ${row.status}`, { job, status: row.status });
    ctx
      .stmt(
        `UPDATE jobs SET status = 'canceled', doc = json_set(doc, '$.status', 'canceled', '$.finished_at', @now,
           '$.canceled_from', status, '$.message', @message)
         WHERE _key = @job`,
      )
      .run({ now: new Date().toISOString(), message, job });
    const outcome = finishJobs(ctx, [{ job, status: 'canceled' }]);
    return {
      workflow: doc,
      canceled: [job, ...outcome.canceled],
      ...split([row]),
      newly_ready: outcome.newlyReady.length,
    };
  });
}

/**
 * When `r` reports the attempt a cancellation caught running, record its result (status
 * `canceled`, whatever the worker saw) and return the outcome; the job keeps its state and
 * nothing propagates (the cancellation did that). Undefined when `r` is not such a report.
 * Caller owns the transaction and has checked that no result exists yet.
 */
export function completeCanceledAttempt(ctx: SqliteContext, r: CompleteRequest): CompleteOutcome | undefined {
  const row = ctx
    .stmt(
      "SELECT workflow, status, attempt, json_extract(doc, '$.canceled_from') AS canceled_from FROM jobs WHERE _key = ?",
    )
    .get(r.job) as { workflow: string; status: string; attempt: number; canceled_from: string | null } | undefined;
  if (!row || row.workflow !== r.workflow || row.status !== 'canceled' || row.attempt !== r.attempt) return undefined;
  if (row.canceled_from !== 'running') return undefined;
  const key = resultKey(r.job, r.attempt);
  insertResult(ctx, resultFromReport(r, canceledWhileRunning(r)));
  return { ok: true, duplicate: false, result: key, newly_ready: 0, canceled: true };
}
