/**
 * Cancellation on ArangoDB, mirroring src/graph/sqlite/cancel-jobs.ts: cancelWorkflow,
 * cancelJob (each one stream transaction), and the completion of an attempt that was
 * running when its job was canceled (completeAttempts delegates to it inside its own
 * transaction).
 */
import { InvalidStateError, NotFoundError } from '../../core/errors.js';
import { resultKey } from '../../core/keys.js';
import { docId, FINAL_JOB_STATUSES, type JobStatus, type WorkflowDoc } from '../../core/model.js';
import type { CancelOutcome, CompleteOutcome, CompleteRequest } from '../graph-store.js';
import { canceledWhileRunning, resultFromReport } from '../result-document.js';
import { recordResultQuery } from './queries/record-result.js';
import type { ArangoContext } from './arango-context.js';
import { finishJobs } from './finish-jobs.js';
import { jobStateQuery } from './queries/job-state.js';
import type { QueryRunner } from './query-runner.js';
import { requireWorkflow } from './workflow-ops.js';

const NON_FINAL = ['uninitialized', 'blocked', 'ready', 'queued', 'running'];
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
  return ctx.transaction(['workflows', 'jobs'], async (run) => {
    const doc = await requireWorkflow(run, key);
    if (doc.status !== 'running' && doc.status !== 'created')
      throw new InvalidStateError(
        `workflow ${key} is ${doc.status}; only a created or running workflow can be canceled`,
        {
          workflow: key,
          status: doc.status,
        },
      );
    const now = new Date().toISOString();
    // Every unfinished job is canceled, so no dependent is left to propagate to.
    const open = await run.all<OpenJobRow>({
      query: `
        FOR j IN jobs
          FILTER j.workflow == @wf AND j.status IN @open
          SORT j._key
          UPDATE j WITH { status: 'canceled', finished_at: @now, canceled_from: j.status, message: @message } IN jobs
          RETURN { job: OLD._key, status: OLD.status, attempt: OLD.attempt }`,
      bindVars: { wf: key, open: NON_FINAL, now, message },
    });
    const next = (await run.one<WorkflowDoc>({
      query: `UPDATE { _key: @wf } WITH { status: 'canceled', finished_at: @now } IN workflows RETURN UNSET(NEW, '_rev')`,
      bindVars: { wf: key, now },
    }))!;
    return { workflow: next, canceled: open.map((r) => r.job), ...split(open), newly_ready: 0 };
  });
}

export async function cancelJob(
  ctx: ArangoContext,
  workflow: string,
  job: string,
  message = DEFAULT_MESSAGE,
): Promise<CancelOutcome> {
  return ctx.transaction(['jobs'], async (run) => {
    const doc = await requireWorkflow(run, workflow);
    const state = await run.one(jobStateQuery(job));
    if (!state || state.workflow !== workflow) throw new NotFoundError('jobs', job);
    if (doc.status !== 'running')
      throw new InvalidStateError(`workflow ${workflow} is ${doc.status}; jobs can be canceled only while it runs`, {
        workflow,
        status: doc.status,
      });
    if (FINAL_JOB_STATUSES.has(state.status))
      throw new InvalidStateError(`job ${job} is already ${state.status}`, { job, status: state.status });
    await run.all({
      query: `
        UPDATE { _key: @job }
          WITH { status: 'canceled', finished_at: @now, canceled_from: @from, message: @message } IN jobs`,
      bindVars: { job, now: new Date().toISOString(), from: state.status, message },
    });
    const outcome = await finishJobs(run, [{ job, status: 'canceled' }]);
    return {
      workflow: doc,
      canceled: [job, ...outcome.canceled],
      ...split([{ job, status: state.status, attempt: state.attempt }]),
      newly_ready: outcome.newlyReady.length,
    };
  });
}

/**
 * When `r` reports the attempt a cancellation caught running, record its result (status
 * `canceled`) and return the outcome; the job keeps its state and nothing propagates.
 * Undefined when `r` is not such a report. Caller owns the transaction (writing results
 * and returned) and has checked that no result exists yet.
 */
export async function completeCanceledAttempt(
  run: QueryRunner,
  r: CompleteRequest,
): Promise<CompleteOutcome | undefined> {
  const row = await run.one<{ workflow: string; status: string; attempt: number; canceled_from: unknown } | null>({
    query: `
      LET j = DOCUMENT(@id)
      RETURN j == null ? null : { workflow: j.workflow, status: j.status, attempt: j.attempt, canceled_from: j.canceled_from }`,
    bindVars: { id: docId('jobs', r.job) },
  });
  if (!row || row.workflow !== r.workflow || row.status !== 'canceled' || row.attempt !== r.attempt) return undefined;
  if (row.canceled_from !== 'running') return undefined;
  const key = resultKey(r.job, r.attempt);
  const result = resultFromReport(r, canceledWhileRunning(r));
  await run.all(recordResultQuery(result));
  return { ok: true, duplicate: false, result: key, newly_ready: 0, canceled: true };
}
