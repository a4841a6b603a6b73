import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { jobParam, workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { applyCancellation } from './apply-cancellation.js';
import { CancelOutcomeSchema } from './cancel-schema.js';
import { jobOf } from '../common/resolve-params.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/jobs/{key}/cancel',
  operationId: 'cancelJob',
  tags: ['workflows'],
  summary: 'Cancel one job (terminating it if running) and, per cancel_on_blocking_job_failure, its dependents',
  description:
    'Dependents are treated as after a failed blocker: with `cancel_on_blocking_job_failure` they are canceled ' +
    'transitively, otherwise their counters drop and they may become ready. Event `job_canceled`. ' +
    '409 `invalid_state` when the job is already final or the workflow is not running.',
  request: { params: z.object({ wf: workflowParam, key: jobParam }) },
  responses: {
    200: { description: 'Canceled', content: { 'application/json': { schema: CancelOutcomeSchema } } },
    ...problems(404, 409, 422),
  },
});

/** `POST /api/v1/workflows/{wf}/jobs/{key}/cancel`. */
export function cancelJobRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { wf, key } = await jobOf(deps, c.req.valid('param'));
    // The store records `job_canceled` with the change.
    const outcome = await deps.store.cancelJob(wf, key, 'job canceled');
    await applyCancellation(deps, wf, outcome, false);
    deps.logger?.info({ workflow: wf, job: key, dependents_canceled: outcome.canceled.length - 1 }, 'job canceled');
    return c.json(outcome, 200);
  });
}
