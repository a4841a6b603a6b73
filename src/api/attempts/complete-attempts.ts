import { createRoute } from '@hono/zod-openapi';
import {
  CompleteAttemptsRequestSchema,
  CompleteAttemptsResponseSchema,
  type CompleteAttemptsRequest,
  type CompleteAttemptsResponse,
} from '../../core/schemas/worker-protocol.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { problems } from '../common/problem-schema.js';
import { COMPLETE_ATTEMPTS_EXAMPLE } from '../common/request-examples.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/attempts/complete',
  operationId: 'completeAttempts',
  tags: ['workers'],
  summary: 'Record finished attempts (batch; one outcome per attempt, in order)',
  description:
    'Writes each result, sets the job status and unblocks dependents. A repeat of a recorded (job, attempt) ' +
    'answers `duplicate: true` and changes nothing. An attempt reported `terminated` with `interrupted: true` ' +
    '(its worker was taken away) runs again as the next attempt without spending failure-handler retries.',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: CompleteAttemptsRequestSchema, example: COMPLETE_ATTEMPTS_EXAMPLE } },
    },
  },
  responses: {
    200: {
      description: 'Outcomes, in request order',
      content: { 'application/json': { schema: CompleteAttemptsResponseSchema } },
    },
    ...problems(400, 413, 415, 422),
  },
});

/** The operation, for the route and for a worker in the API's process (in-process-worker-api.ts). */
export async function completeAttempts(
  deps: Pick<ApiDeps, 'store' | 'notifier' | 'logger' | 'maxLostReruns'>,
  { results }: CompleteAttemptsRequest,
): Promise<CompleteAttemptsResponse> {
  const outcomes = await deps.store.completeAttempts(results, { maxLostReruns: deps.maxLostReruns });
  // The store wrote each recorded attempt's event in the same transaction.
  // 'ready' means "this workflow changed" to the scheduler: it promotes and checks completion.
  // A lost hint is covered by its reconcile, so a Redis hiccup must not fail the request.
  await deps.notifier
    ?.publish(
      'ready',
      results.map((r) => r.workflow),
    )
    .catch((err: unknown) => {
      deps.logger?.warn({ err }, 'could not publish ready workflows');
    });
  return { outcomes };
}

export function completeAttemptsRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await completeAttempts(deps, c.req.valid('json')), 200));
}
