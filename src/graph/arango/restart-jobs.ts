/**
 * restartJobs on ArangoDB, mirroring src/graph/sqlite/restart-jobs.ts: one stream
 * transaction reads the reset jobs' neighbourhood (one query over the edge indexes), plans with
 * the shared plan-job-reset.ts, and writes jobs, workflow and the `workflow_restarted` event —
 * or answers the first outcome of a request id already recorded, changing nothing.
 */
import { NotFoundError } from '../../core/errors.js';
import type { JobStatus } from '../../core/model.js';
import type { RestartOptions, RestartOutcome } from '../graph-store.js';
import { checkResettable, checkRestart } from '../lifecycle-rules.js';
import { planJobReset } from '../plan-job-reset.js';
import { restartOutcomeOf, workflowRestartedEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { writeJobStatesQuery } from './queries/job-state.js';
import {
  earlierRestartQuery,
  rerunWorkflowQuery,
  resetJobsQuery,
  resetNeighbourhoodQuery,
} from './queries/restart-queries.js';
import { requireWorkflow } from './workflow-ops.js';

export async function restartJobs(
  ctx: ArangoContext,
  workflow: string,
  jobKeys: string[],
  options: RestartOptions = {},
): Promise<RestartOutcome> {
  return ctx.transaction(['workflows', 'jobs', 'events'], async (run) => {
    const doc = await requireWorkflow(run, workflow);
    if (options.request_id !== undefined) {
      const earlier = await run.one(earlierRestartQuery(workflow, options.request_id));
      if (earlier) return restartOutcomeOf(earlier);
    }
    checkRestart(doc);
    const jobs = [...new Set(jobKeys)];
    if (jobs.length === 0) return { reset: [], ready: 0 };
    // Each reset job with its blockers, and its dependents with THEIR blockers (to recount them).
    const rows = await run.all(resetNeighbourhoodQuery(jobs));
    const status = new Map<string, JobStatus>();
    const blockersOf = new Map<string, string[]>();
    const dependentsOf = new Map<string, string[]>();
    for (const row of rows) {
      if (row.workflow !== workflow || row.status === null) throw new NotFoundError('jobs', row.job);
      checkResettable(row.job, row.status);
      status.set(row.job, row.status);
      blockersOf.set(
        row.job,
        row.blockers.map((b) => b.key),
      );
      dependentsOf.set(
        row.job,
        row.dependents.map((d) => d.key),
      );
      for (const b of row.blockers) if (b.status !== null) status.set(b.key, b.status);
      for (const d of row.dependents) {
        if (d.status !== null) status.set(d.key, d.status);
        blockersOf.set(
          d.key,
          d.blockers.map((b) => b.key),
        );
        for (const b of d.blockers) if (b.status !== null) status.set(b.key, b.status);
      }
    }
    const plan = planJobReset(jobs, {
      statusOf: (job) => status.get(job),
      blockersOf: (job) => blockersOf.get(job) ?? [],
      dependentsOf: (job) => dependentsOf.get(job) ?? [],
    });
    const asRows = (states: typeof plan.reset) =>
      states.map((j) => ({ key: j._key, status: j.status, unfinished_blockers: j.unfinished_blockers }));
    await run.all(resetJobsQuery(asRows(plan.reset)));
    if (plan.waiting.length) await run.all(writeJobStatesQuery(asRows(plan.waiting)));
    await run.all(rerunWorkflowQuery(workflow));
    const outcome = { reset: jobs, ready: plan.reset.filter((j) => j.status === 'ready').length };
    await insertMany(run, 'events', [workflowRestartedEvent(workflow, outcome, options, new Date().toISOString())]);
    return outcome;
  });
}
