import { createRoute } from '@hono/zod-openapi';
import { StartAttemptsRequestSchema, StartAttemptsResponseSchema } from '../../core/schemas/worker-protocol.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { problems } from '../common/problem-schema.js';
import { START_ATTEMPTS_EXAMPLE } from '../common/request-examples.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/attempts/start',
  operationId: 'startAttempts',
  tags: ['workers'],
  summary: 'Move queued jobs to running for a worker (batch; one outcome per attempt, in order)',
  description:
    'An attempt is refused (`ok: false`) unless its job is `queued` at that attempt; the worker then drops it. ' +
    'A repeat of a start already running on the same worker (its first answer was lost) is answered `ok` again ' +
    'with `repeated: true`, changing nothing, so a start may be retried safely.',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: StartAttemptsRequestSchema, example: START_ATTEMPTS_EXAMPLE } },
    },
  },
  responses: {
    200: {
      description: 'Outcomes, in request order',
      content: { 'application/json': { schema: StartAttemptsResponseSchema } },
    },
    ...problems(400, 413, 415, 422),
  },
});

export function startAttemptsRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { worker, attempts } = c.req.valid('json');
    // The store writes each started attempt's `job_started` event in the same transaction.
    const outcomes = await deps.store.startAttempts(attempts.map((a) => ({ ...a, worker })));
    return c.json({ outcomes }, 200);
  });
}
