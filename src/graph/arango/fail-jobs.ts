/**
 * failJobs on ArangoDB, mirroring sqlite/fail-jobs.ts: mark jobs failed without a result
 * (watchdogs, unsatisfiable requirements) and propagate to dependents as a completion would.
 */
import { NotFoundError } from '../../core/errors.js';
import { FINAL_JOB_STATUSES, type JobStatus } from '../../core/model.js';
import type { ArangoContext } from './arango-context.js';
import { finishJobs } from './finish-jobs.js';
import { readJobState } from './job-state.js';
import { requireWorkflow } from './workflow-ops.js';

export async function failJobs(ctx: ArangoContext, workflow: string, jobs: string[], message: string): Promise<void> {
  await ctx.transaction(['jobs', 'events'], async (run) => {
    await requireWorkflow(run, workflow);
    const now = new Date().toISOString();
    const failed: Array<{ job: string; status: JobStatus }> = [];
    for (const job of jobs) {
      const state = await readJobState(run, job);
      if (!state || state.workflow !== workflow) throw new NotFoundError('jobs', job);
      // A job already final has propagated once; failing it again would decrement twice.
      if (FINAL_JOB_STATUSES.has(state.status) || failed.some((f) => f.job === job)) continue;
      failed.push({ job, status: 'failed' });
    }
    if (failed.length) {
      await run.all({
        query: `
          FOR k IN @jobs
            UPDATE { _key: k } WITH { status: 'failed', message: @message, finished_at: @now } IN jobs`,
        bindVars: { jobs: failed.map((f) => f.job), message, now },
      });
    }
    await finishJobs(run, workflow, failed);
  });
}
