/**
 * The worker protocol's hot calls for a worker in the API's own process (`jobgraph run`): the
 * operations the routes run, called directly. A tiny job's start and completion then cost no
 * HTTP request built, routed, serialized and parsed twice (measured in bench/README.md); what
 * the store does, the events it writes and the scheduler's hint are the same as over HTTP.
 *
 * Bodies are still checked with the routes' request schemas, so a worker bug is refused as
 * the API would refuse it. Only for an API without authentication: the routes' token checks
 * are not run here.
 */
import { parseOrThrow } from '../core/zod-issues.js';
import { CompleteAttemptsRequestSchema, StartAttemptsRequestSchema } from '../core/schemas/worker-protocol.js';
import type { InProcessWorkerApi } from '../core/schemas/worker-protocol.js';
import type { ApiDeps } from './api-deps.js';
import { completeAttempts } from './attempts/complete-attempts.js';
import { startAttempts } from './attempts/start-attempts.js';
import { workflowStatus } from './workflows/workflow-status.js';

export function inProcessWorkerApi(deps: ApiDeps): InProcessWorkerApi {
  if (deps.auth) throw new Error('the in-process worker API skips token checks: not for an API with authentication');
  return {
    startAttempts: async (body) => startAttempts(deps, parseOrThrow(StartAttemptsRequestSchema, body)),
    completeAttempts: async (body) => completeAttempts(deps, parseOrThrow(CompleteAttemptsRequestSchema, body)),
    workflowStatus: async (workflow) => workflowStatus(deps, workflow),
  };
}
