/**
 * Workflow-level lifecycle reads and the completion check on ArangoDB, mirroring
 * sqlite/workflow-status.ts. Each is one AQL query; the completion check is one stream
 * transaction with its `workflow_finished` event.
 */
import { NotFoundError } from '../../core/errors.js';
import {
  JOB_STATUSES,
  type JobStatus,
  type Resources,
  type WorkflowDoc,
  type WorkflowStatus,
} from '../../core/model.js';
import { workflowFinishedEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { listJobResourcesQuery } from './queries/claim-ready.js';
import { finishWorkflowQuery, statusCountsQuery } from './queries/workflow-status.js';
import { listWorkflowKeysQuery } from './queries/workflow-queries.js';
import { requireWorkflow } from './workflow-ops.js';

export async function statusCounts(
  ctx: ArangoContext,
  workflow: string,
  jobs?: readonly string[],
): Promise<Record<JobStatus, number>> {
  const row = await ctx.run.one(statusCountsQuery(workflow, jobs));
  if (!row?.exists) throw new NotFoundError('workflows', workflow);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const [status, n] of row.counts) if (status in counts) counts[status as JobStatus] = n;
  return counts;
}

export async function finishWorkflowIfDone(ctx: ArangoContext, workflow: string): Promise<WorkflowDoc | undefined> {
  return ctx.transaction(['workflows', 'events'], async (run) => {
    const now = new Date().toISOString();
    const finished = await run.one(finishWorkflowQuery(workflow, now));
    if (finished) await insertMany(run, 'events', [workflowFinishedEvent(finished, now)]);
    return finished;
  });
}

export async function listWorkflowKeys(ctx: ArangoContext, status: WorkflowStatus): Promise<string[]> {
  return ctx.run.all(listWorkflowKeysQuery(status));
}

export async function listJobResources(
  ctx: ArangoContext,
  workflow: string,
): Promise<Array<{ job: string; name: string; resources: Resources }>> {
  await requireWorkflow(ctx.run, workflow);
  return ctx.run.all(listJobResourcesQuery(workflow));
}
