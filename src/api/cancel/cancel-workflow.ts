import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { applyCancellation } from './apply-cancellation.js';
import { CancelOutcomeSchema } from './cancel-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/cancel',
  operationId: 'cancelWorkflow',
  tags: ['workflows'],
  summary: 'Cancel a workflow: every unfinished job ends canceled, running ones are terminated',
  description:
    'Queued jobs leave their queues; workers holding running jobs terminate them (told through Redis) and their ' +
    'reports are recorded as `canceled`. Event `workflow_canceled`. 409 `invalid_state` when the workflow is finished.',
  request: { params: z.object({ wf: workflowParam }) },
  responses: {
    200: { description: 'Canceled', content: { 'application/json': { schema: CancelOutcomeSchema } } },
    ...problems(404, 409, 422),
  },
});

/** `POST /api/v1/workflows/{wf}/cancel`. */
export function cancelWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    // The store records `workflow_canceled` with the change.
    const outcome = await deps.store.cancelWorkflow(wf, 'workflow canceled');
    await applyCancellation(deps, wf, outcome, true);
    deps.logger?.info(
      { workflow: wf, canceled: outcome.canceled.length, running: outcome.running.length },
      'workflow canceled',
    );
    return c.json(outcome, 200);
  });
}
