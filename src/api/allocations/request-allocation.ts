/**
 * `POST /api/v1/workflows/{wf}/allocation-requests`: a person asks for an allocation
 * (`jobgraph slurm submit`). The API runs no provider command: it records the request
 * (`requested`, event `allocation_requested`) and wakes the provisioners; the one that claims
 * it submits it where the provider works (decision 0008). Poll the allocation for the outcome.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { SchedulerDoc } from '../../core/model.js';
import { fewIssues } from '../../core/schemas/few-issues.js';
import { jsonShapeIssue } from '../../core/schemas/json-shape.js';
import { parseDuration, parseSlurmDuration } from '../../core/units.js';
import { recordAllocation } from '../../provision/record-allocation.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { DocumentSchema, workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { workflowOf } from '../common/resolve-params.js';
import { MAX_NAME_LENGTH, NAME_TOO_LONG } from '../../core/schemas/string-limits.js';

/** One provider setting's value. */
const setting = z.union([z.string(), z.number(), z.boolean()]);

const AllocationRequestSchema = z
  .strictObject({
    scheduler: z
      .string()
      .min(1)
      .max(MAX_NAME_LENGTH, NAME_TOO_LONG)
      .openapi({ description: "The scheduler's name (or key)" }),
    nodes: z.number().int().positive().optional().openapi({ description: "Default: the scheduler's `nodes`" }),
    walltime: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'Slurm "HH:MM:SS" / "D-HH:MM:SS", or ISO 8601 "PT2H". Default: the scheduler\'s' }),
    overrides: fewIssues(z.record(z.string(), setting), setting)
      .optional()
      .openapi({ description: "Provider settings that win over the scheduler's (account, qos, partition, …)" }),
    per_node: z.boolean().optional().openapi({ description: 'One worker per node (default) or one for all' }),
    max_parallel_jobs: z.number().int().positive().optional(),
  })
  .openapi('AllocationRequest', {
    example: { scheduler: 'cpu', nodes: 1, walltime: '01:00:00', overrides: { qos: 'high' } },
  });

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/allocation-requests',
  operationId: 'requestAllocation',
  tags: ['allocations'],
  summary: "Ask for an allocation of one of the workflow's schedulers; a provisioner submits it",
  request: {
    params: z.object({ wf: workflowParam }),
    body: { required: true, content: { 'application/json': { schema: AllocationRequestSchema } } },
  },
  responses: {
    201: { description: 'Recorded as `requested`', content: { 'application/json': { schema: DocumentSchema } } },
    ...problems(400, 413, 404, 415, 422),
  },
});

export function requestAllocationRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    const body = c.req.valid('json');
    // Overrides become sbatch options: a NUL cannot be passed to a process.
    const nul = jsonShapeIssue(body, { noNul: true });
    if (nul) throw new ValidationError([nul]);
    await deps.store.getWorkflow(wf);
    const schedulers = (await deps.store.listDocuments(wf, 'schedulers', { limit: 10_000 })).items as SchedulerDoc[];
    const scheduler =
      schedulers.find((s) => s.name === body.scheduler) ?? schedulers.find((s) => s._key === body.scheduler);
    if (!scheduler) throw new NotFoundError('schedulers', body.scheduler);
    let walltime_s = scheduler.walltime_s;
    if (body.walltime !== undefined) {
      walltime_s = parseSlurmDuration(body.walltime) ?? parseDuration(body.walltime);
      if (walltime_s === undefined || walltime_s <= 0)
        throw new ValidationError([
          { path: 'walltime', message: `invalid walltime "${body.walltime}" (Slurm "HH:MM:SS" or ISO 8601 "PT2H")` },
        ]);
    }
    const doc = await recordAllocation(
      deps.store,
      wf,
      {
        scheduler: scheduler._key,
        scheduler_name: scheduler.name,
        provider: scheduler.type,
        state: 'requested',
        nodes: body.nodes ?? scheduler.nodes ?? 1,
        ...(walltime_s !== undefined && { walltime_s }),
        trigger: 'manual',
        ...(body.overrides && { overrides: body.overrides }),
        ...((body.per_node !== undefined || body.max_parallel_jobs !== undefined) && {
          worker: { per_node: body.per_node, max_parallel_jobs: body.max_parallel_jobs },
        }),
        submitted_at: new Date().toISOString(),
      },
      (key) => [
        { type: 'allocation_requested', allocation: key, scheduler: scheduler._key, scheduler_name: scheduler.name },
      ],
    );
    // Wakes the provisioners on their own channel: `ready` pokes skip workflows they saw idle
    // (a created workflow whose last request was refused), and their timer only visits
    // running workflows and those with live allocations.
    await deps.notifier
      ?.publish('provision', [wf])
      .catch((err: unknown) => deps.logger?.warn({ err }, 'could not publish'));
    return c.json(doc, 201);
  });
}
