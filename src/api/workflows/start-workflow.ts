import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const InitializeOutcomeSchema = z
  .object({
    workflow: WorkflowSchema,
    ready: z.number().int(),
    blocked: z.number().int(),
    derived_blocks: z.number().int().openapi({ description: '`blocks` edges added from file and user-data relations' }),
  })
  .openapi('StartWorkflowResponse');

const StartWorkflowRequestSchema = z
  .strictObject({
    auto_scale: z
      .boolean()
      .optional()
      .openapi({
        description:
          "Get compute automatically: the provisioner submits allocations of the workflow's schedulers while " +
          'queued work has no capacity, and cancels pending ones no longer needed (decision 0008).',
      }),
    max_allocations: z.number().int().positive().optional().openapi({
      description: "With auto_scale: most allocations per scheduler alive at once (a scheduler's own wins).",
    }),
  })
  .openapi('StartWorkflowRequest', { example: { auto_scale: true, max_allocations: 4 } });

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/start',
  operationId: 'startWorkflow',
  tags: ['workflows'],
  summary: 'Start a created workflow: derive blocks, reject cycles, make unblocked jobs ready',
  description:
    '409 `invalid_state` unless the workflow is `created`; 422 `dependency_cycle` names the jobs of a cycle.',
  request: {
    params: z.object({ wf: workflowParam }),
    body: {
      required: false,
      content: { 'application/json': { schema: StartWorkflowRequestSchema } },
    },
  },
  responses: {
    200: { description: 'Started', content: { 'application/json': { schema: InitializeOutcomeSchema } } },
    ...problems(404, 409, 422),
  },
});

export function startWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    const body = (c.req.header('content-length') ?? '0') === '0' ? {} : c.req.valid('json');
    // The setting is written with the start itself, so the provisioner sees it with the first ready jobs.
    const outcome = await deps.store.initializeWorkflow(
      wf,
      body.auto_scale
        ? {
            set: { auto_scale: body.max_allocations !== undefined ? { max_allocations: body.max_allocations } : true },
            event: { auto_scale: true },
          }
        : {},
    );
    // A hint only: the scheduler's reconcile finds the ready jobs if this is lost.
    await deps.notifier
      ?.publish('ready', [wf])
      .catch((err: unknown) => deps.logger?.warn({ err }, 'could not publish ready workflow'));
    deps.logger?.info({ workflow: wf, ready: outcome.ready, blocked: outcome.blocked }, 'workflow started');
    return c.json(outcome, 200);
  });
}
