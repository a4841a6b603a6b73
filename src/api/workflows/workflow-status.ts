import { createRoute, z } from '@hono/zod-openapi';
import { WORKFLOW_STATUSES, type EventDoc, type JobDoc } from '../../core/model.js';
import { JOB_UNFIT_EVENT } from '../../scheduler/unfit-waits.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { StatusCountsSchema } from './workflow-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const WorkflowStatusSchema = z
  .object({
    workflow: z.string().openapi({ description: 'Workflow key' }),
    status: z.enum(WORKFLOW_STATUSES),
    counts: StatusCountsSchema,
    total: z.number().int(),
    waiting: z
      .array(
        z
          .object({
            job: z.string().openapi({ description: 'Key of a queued job that fits no live worker' }),
            name: z.string(),
            reason: z.string().openapi({ example: 'no worker with 500g memory (largest: 16g)' }),
          })
          .openapi('WaitingJob'),
      )
      .optional()
      .openapi({
        description:
          'Queued jobs that have fitted no live worker for longer than JOBGRAPH_UNFIT_WAIT_MS, one per resource requirement (from `job_unfit` events); absent when none',
      }),
  })
  .openapi('WorkflowStatus');

const route = createRoute({
  method: 'get',
  path: '/api/v1/workflows/{wf}/status',
  operationId: 'getWorkflowStatus',
  tags: ['workflows'],
  summary: 'Workflow status and job counts per status',
  request: { params: z.object({ wf: workflowParam }) },
  responses: {
    200: { description: 'Status', content: { 'application/json': { schema: WorkflowStatusSchema } } },
    ...problems(404, 422),
  },
});

/**
 * The `job_unfit` events (scheduler/unfit-waits.ts) whose job is still queued, one line per
 * job: a job that started since (a big enough worker came) no longer waits.
 */
async function waitingJobs(deps: ApiDeps, wf: string): Promise<Array<{ job: string; name: string; reason: string }>> {
  const events = await deps.store.listDocuments(wf, 'events', { filter: { type: JOB_UNFIT_EVENT }, limit: 1000 });
  const byJob = new Map<string, { job: string; name: string; reason: string }>();
  for (const e of events.items as EventDoc[]) {
    if (typeof e.job !== 'string' || typeof e.reason !== 'string') continue;
    byJob.set(e.job, { job: e.job, name: typeof e.name === 'string' ? e.name : e.job, reason: e.reason });
  }
  const still: Array<{ job: string; name: string; reason: string }> = [];
  for (const w of byJob.values()) {
    const job = await deps.store.getDocument(wf, 'jobs', w.job).catch(() => undefined);
    if ((job as JobDoc | undefined)?.status === 'queued') still.push(w);
  }
  return still;
}

/** The operation, for the route and for a worker in the API's process (in-process-worker-api.ts). */
export async function workflowStatus(deps: ApiDeps, wf: string): Promise<z.infer<typeof WorkflowStatusSchema>> {
  const workflow = await deps.store.getWorkflow(wf);
  const counts = await deps.store.statusCounts(wf);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const waiting = (counts.queued ?? 0) > 0 ? await waitingJobs(deps, wf) : [];
  return { workflow: wf, status: workflow.status, counts, total, ...(waiting.length > 0 && { waiting }) };
}

export function workflowStatusRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) =>
    c.json(await workflowStatus(deps, await workflowOf(deps, c.req.valid('param').wf)), 200),
  );
}
