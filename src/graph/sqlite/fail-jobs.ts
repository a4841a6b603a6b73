/**
 * failJobs: mark jobs failed without a result (watchdogs, unsatisfiable requirements) and
 * propagate to dependents as a completion would.
 */
import { NotFoundError } from '../../core/errors.js';
import { FINAL_JOB_STATUSES, type JobStatus } from '../../core/model.js';
import { finishJobs } from './finish-jobs.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

export function failJobs(ctx: SqliteContext, workflow: string, jobs: string[], message: string): void {
  ctx.write(() => {
    requireWorkflow(ctx, workflow);
    const read = ctx.stmt('SELECT workflow, status FROM jobs WHERE _key = ?');
    const fail = ctx.stmt(
      `UPDATE jobs SET status = 'failed', doc = json_set(doc, '$.status', 'failed', '$.message', @message, '$.finished_at', @now)
       WHERE _key = @job`,
    );
    const now = new Date().toISOString();
    const failed: Array<{ job: string; status: JobStatus }> = [];
    for (const job of jobs) {
      const row = read.get(job) as { workflow: string; status: JobStatus } | undefined;
      if (!row || row.workflow !== workflow) throw new NotFoundError('jobs', job);
      // A job already final has propagated once; failing it again would decrement twice.
      if (FINAL_JOB_STATUSES.has(row.status)) continue;
      fail.run({ message, now, job });
      failed.push({ job, status: 'failed' });
    }
    finishJobs(ctx, workflow, failed);
  });
}
