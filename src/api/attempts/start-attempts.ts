import { createRoute } from '@hono/zod-openapi';
import {
  StartAttemptsRequestSchema,
  StartAttemptsResponseSchema,
  type StartAttemptsRequest,
  type StartAttemptsResponse,
} from '../../core/schemas/worker-protocol.js';
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

/** The operation, for the route and for a worker in the API's process (in-process-worker-api.ts). */
export async function startAttempts(
  deps: Pick<ApiDeps, 'store'>,
  { worker, attempts }: StartAttemptsRequest,
): Promise<StartAttemptsResponse> {
  // The store writes each started attempt's `job_started` event in the same transaction.
  const outcomes = await deps.store.startAttempts(attempts.map((a) => ({ ...a, worker })));
  return { outcomes };
}

export function startAttemptsRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await startAttempts(deps, c.req.valid('json')), 200));
}
