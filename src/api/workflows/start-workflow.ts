import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';

const InitializeOutcomeSchema = z
  .object({
    workflow: WorkflowSchema,
    ready: z.number().int(),
    blocked: z.number().int(),
    derived_blocks: z.number().int().openapi({ description: '`blocks` edges added from file and user-data relations' }),
  })
  .openapi('StartWorkflowResponse');

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/start',
  operationId: 'startWorkflow',
  tags: ['workflows'],
  summary: 'Start a created workflow: derive blocks, reject cycles, make unblocked jobs ready',
  description:
    '409 `invalid_state` unless the workflow is `created`; 422 `dependency_cycle` names the jobs of a cycle.',
  request: { params: z.object({ wf: workflowParam }) },
  responses: {
    200: { description: 'Started', content: { 'application/json': { schema: InitializeOutcomeSchema } } },
    ...problems(404, 409, 422),
  },
});

export function startWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { wf } = c.req.valid('param');
    const outcome = await deps.store.initializeWorkflow(wf);
    await deps.store.appendEvents([
      { workflow: wf, source: 'system', type: 'workflow_started', ready: outcome.ready, blocked: outcome.blocked },
    ]);
    // A hint only: the scheduler's reconcile finds the ready jobs if this is lost.
    await deps.notifier
      ?.publish('ready', [wf])
      .catch((err: unknown) => deps.logger?.warn({ err }, 'could not publish ready workflow'));
    deps.logger?.info({ workflow: wf, ready: outcome.ready, blocked: outcome.blocked }, 'workflow started');
    return c.json(outcome, 200);
  });
}
