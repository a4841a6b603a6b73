/**
 * restartJobs on SQLite (decision 0007): reset the given jobs to a fresh attempt, recount
 * blockers with the shared planner (plan-job-reset.ts), set the workflow running again and
 * record `workflow_restarted` — or, for a request id already recorded, answer that first
 * outcome and change nothing. One transaction; O(total degree of the reset jobs).
 */
import { NotFoundError } from '../../core/errors.js';
import type { JobStatus, WorkflowDoc } from '../../core/model.js';
import type { RestartOptions, RestartOutcome } from '../graph-store.js';
import { checkResettable, checkRestart } from '../lifecycle-rules.js';
import { planJobReset } from '../plan-job-reset.js';
import { restartOutcomeOf, workflowRestartedEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import type { SqliteContext } from './sqlite-context.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

/** The `workflow_restarted` event an earlier request with this id recorded, if any. */
function earlierRestart(ctx: SqliteContext, workflow: string, requestId: string): Record<string, unknown> | undefined {
  // The conditions repeat the partial index's, so the planner may use events_request_id.
  const row = ctx
    .stmt(
      `SELECT doc FROM docs
       WHERE collection = 'events' AND workflow = ? AND json_extract(doc, '$.request_id') IS NOT NULL
         AND json_extract(doc, '$.request_id') = ? AND json_extract(doc, '$.type') = 'workflow_restarted'
       LIMIT 1`,
    )
    .get(workflow, requestId) as { doc: string } | undefined;
  return row && (JSON.parse(row.doc) as Record<string, unknown>);
}

export function restartJobs(
  ctx: SqliteContext,
  workflow: string,
  jobKeys: string[],
  options: RestartOptions = {},
): RestartOutcome {
  return ctx.write(() => {
    const doc = requireWorkflow(ctx, workflow);
    const earlier = options.request_id === undefined ? undefined : earlierRestart(ctx, workflow, options.request_id);
    if (earlier) return restartOutcomeOf(earlier);
    checkRestart(doc);
    const jobs = [...new Set(jobKeys)];
    if (jobs.length === 0) return { reset: [], ready: 0 };
    const row = ctx.stmt('SELECT workflow, status FROM jobs WHERE _key = ?');
    const statuses = new Map<string, JobStatus>();
    const statusOf = (job: string): JobStatus | undefined => {
      let s = statuses.get(job);
      if (s === undefined) {
        const r = row.get(job) as { workflow: string; status: JobStatus } | undefined;
        if (r?.workflow !== workflow) return undefined;
        statuses.set(job, (s = r.status));
      }
      return s;
    };
    for (const job of jobs) {
      const s = statusOf(job);
      if (s === undefined) throw new NotFoundError('jobs', job);
      checkResettable(job, s);
    }
    const blockers = ctx.stmt("SELECT _from FROM edges INDEXED BY edges_to WHERE _to = ? AND collection = 'blocks'");
    const dependents = ctx.stmt(
      "SELECT _to FROM edges INDEXED BY edges_from WHERE _from = ? AND collection = 'blocks'",
    );
    const plan = planJobReset(jobs, {
      statusOf,
      blockersOf: (job) => (blockers.all(`jobs/${job}`) as Array<{ _from: string }>).map((r) => r._from.slice(5)),
      dependentsOf: (job) => (dependents.all(`jobs/${job}`) as Array<{ _to: string }>).map((r) => r._to.slice(5)),
    });
    const reset = ctx.stmt(
      `UPDATE jobs SET status = @status, attempt = attempt + 1, unfinished_blockers = @n, queued_at = NULL,
       doc = json_remove(json_set(doc, '$.status', @status, '$.attempt', attempt + 1, '$.unfinished_blockers', @n,
         '$.failure_retries', 0, '$.lost_reruns', 0),
         '$.canceled_from', '$.finished_at', '$.started_at', '$.queued_at', '$.message')
       WHERE _key = @job`,
    );
    for (const j of plan.reset) reset.run({ status: j.status, n: j.unfinished_blockers, job: j._key });
    const recount = ctx.stmt(
      `UPDATE jobs SET status = @status, unfinished_blockers = @n,
       doc = json_set(doc, '$.status', @status, '$.unfinished_blockers', @n) WHERE _key = @job`,
    );
    for (const j of plan.waiting) recount.run({ status: j.status, n: j.unfinished_blockers, job: j._key });
    const { finished_at: _finished, ...rest } = doc;
    const next: WorkflowDoc = { ...rest, status: 'running' };
    replaceWorkflow(ctx, next);
    const outcome = { reset: jobs, ready: plan.reset.filter((j) => j.status === 'ready').length };
    appendEvents(ctx, [workflowRestartedEvent(workflow, outcome, options, new Date().toISOString())]);
    return outcome;
  });
}
