/**
 * Cancellation on ArangoDB, mirroring src/graph/sqlite/cancel-jobs.ts: cancelWorkflow,
 * cancelJob (each one stream transaction with its event), and the completion of an attempt that was
 * running when its job was canceled (completeAttempts delegates to it inside its own
 * transaction).
 */
import { NotFoundError } from '../../core/errors.js';
import { resultKey } from '../../core/keys.js';
import { NON_FINAL_JOB_STATUSES, type JobStatus, type WorkflowDoc } from '../../core/model.js';
import type { CancelOutcome, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { checkCancelJob, checkCancelWorkflow } from '../lifecycle-rules.js';
import { canceledWhileRunning, resultFromReport } from '../result-document.js';
import { jobCanceledEvent, workflowCanceledEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { finishJobs } from './finish-jobs.js';
import { readJobState } from './job-state.js';
import type { QueryRunner } from './query-runner.js';
import { insertResult } from './record-result.js';
import { requireWorkflow } from './workflow-ops.js';

const DEFAULT_MESSAGE = 'canceled';

interface OpenJobRow {
  job: string;
  status: JobStatus;
  attempt: number;
}

function split(rows: OpenJobRow[]): Pick<CancelOutcome, 'running' | 'queued'> {
  const pick = (s: JobStatus) => rows.filter((r) => r.status === s).map((r) => ({ job: r.job, attempt: r.attempt }));
  return { running: pick('running'), queued: pick('queued') };
}

export async function cancelWorkflow(
  ctx: ArangoContext,
  key: string,
  message = DEFAULT_MESSAGE,
): Promise<CancelOutcome> {
  return ctx.transaction(['workflows', 'jobs', 'events'], async (run) => {
    const doc = await requireWorkflow(run, key);
    checkCancelWorkflow(doc);
    const now = new Date().toISOString();
    // Every unfinished job is canceled, so no dependent is left to propagate to.
    const open = await run.all<OpenJobRow>({
      query: `
        FOR j IN jobs
          FILTER j.workflow == @wf AND j.status IN @open
          SORT j._key
          UPDATE j WITH { status: 'canceled', finished_at: @now, canceled_from: j.status, message: @message } IN jobs
          RETURN { job: OLD._key, status: OLD.status, attempt: OLD.attempt }`,
      bindVars: { wf: key, open: NON_FINAL_JOB_STATUSES, now, message },
    });
    const next = (await run.one<WorkflowDoc>({
      query: `UPDATE { _key: @wf } WITH { status: 'canceled', finished_at: @now } IN workflows RETURN UNSET(NEW, '_rev')`,
      bindVars: { wf: key, now },
    }))!;
    const outcome = { workflow: next, canceled: open.map((r) => r.job), ...split(open), newly_ready: 0 };
    await insertMany(run, 'events', [workflowCanceledEvent(outcome, now)]);
    return outcome;
  });
}

export async function cancelJob(
  ctx: ArangoContext,
  workflow: string,
  job: string,
  message = DEFAULT_MESSAGE,
): Promise<CancelOutcome> {
  return ctx.transaction(['jobs', 'events'], async (run) => {
    const doc = await requireWorkflow(run, workflow);
    const state = await readJobState(run, job);
    if (!state || state.workflow !== workflow) throw new NotFoundError('jobs', job);
    checkCancelJob(doc, job, state.status);
    const now = new Date().toISOString();
    await run.all({
      query: `
        UPDATE { _key: @job }
          WITH { status: 'canceled', finished_at: @now, canceled_from: @from, message: @message } IN jobs`,
      bindVars: { job, now, from: state.status, message },
    });
    const propagated = await finishJobs(run, workflow, [{ job, status: 'canceled' }]);
    const outcome = {
      workflow: doc,
      canceled: [job, ...propagated.canceled],
      ...split([{ job, status: state.status, attempt: state.attempt }]),
      newly_ready: propagated.newlyReady.length,
    };
    await insertMany(run, 'events', [jobCanceledEvent(job, outcome, now)]);
    return outcome;
  });
}

/**
 * Record the report of an attempt a cancellation caught running (../attempt-admission.ts
 * admitted it as `canceled`), mirroring sqlite/cancel-jobs.ts: its result with status
 * `canceled`; the job keeps its state and nothing propagates. Caller owns the transaction
 * (writing results and returned).
 */
export async function recordCanceledAttempt(run: QueryRunner, r: CompleteRequest): Promise<CompleteOutcome> {
  await insertResult(run, resultFromReport(r, canceledWhileRunning(r)));
  return { ok: true, duplicate: false, result: resultKey(r.job, r.attempt), newly_ready: 0, canceled: true };
}
