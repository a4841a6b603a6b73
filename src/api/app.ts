/**
 * The HTTP API: one OpenAPIHono app with every route, `/openapi.json`, `/docs`, `/health`,
 * the web dashboard at `/` and (unless disabled) the queue dashboard at `/queues`. Built without listening, so tests
 * call `app.request()`; `serveApi` puts it on a port.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_STRING_BYTES } from '../core/config.js';
import { silentLogger } from '../core/logger.js';
import { createQueueDashboard } from '../queue/dashboard.js';
import { describeQueue } from './dashboard/describe-queue.js';
import type { ApiDeps } from './api-deps.js';
import { accessRoutes } from './access/index.js';
import { requestAllocationRoute } from './allocations/request-allocation.js';
import { completeAttemptsRoute } from './attempts/complete-attempts.js';
import { startAttemptsRoute } from './attempts/start-attempts.js';
import { authMiddleware } from './auth/auth-middleware.js';
import { loginRoutes } from './auth/login-page.js';
import { bodyGuard } from './body-guard.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { cancelRoutes } from './cancel/index.js';
import { docsPageRoute } from './docs/docs-page.js';
import { swaggerUiRoutes } from './docs/swagger-ui-page.js';
import { documentRoutes } from './documents/index.js';
import { edgeRoutes } from './edges/index.js';
import { streamEventsRoute } from './events/stream-events.js';
import { healthRoute } from './health.js';
import { notFoundResponse } from './not-found.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { errorToResponse, validationHook } from './problem.js';
import { requestLog } from './request-log.js';
import { restartWorkflowRoute } from './restart/restart-workflow.js';
import { registerWorkerRoute } from './workers/register-worker.js';
import { workflowRoutes } from './workflows/index.js';

export type { ApiDeps } from './api-deps.js';

/** Build the API app over `deps`. Release it with `closeApp` (or the `close()` of `serveApi`). */
export function createApp(options: ApiDeps): OpenAPIHono {
  const logger = options.logger ?? silentLogger;
  const deps: ApiDeps = { ...options, logger };
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError((err, c) => errorToResponse(err, c, logger));
  app.notFound((c) => notFoundResponse(c));
  app.use('*', requestLog(logger));
  // Frame, sniffing and referrer protection for the HTML pages (docs, login, dashboards); harmless on JSON.
  app.use('*', secureHeaders());
  // Before authentication: a preflight carries no token, and is answered here.
  if (deps.corsOrigins?.length) app.use('*', corsFor(deps.corsOrigins));
  const auth = deps.auth ? authMiddleware({ store: deps.store, logger, ...deps.auth }) : undefined;
  if (auth) app.use('*', auth.authenticate);
  app.use(
    '*',
    bodyGuard({
      maxBodyBytes: deps.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxStringBytes: deps.limits?.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES,
    }),
  );
  if (auth) app.use('*', auth.authorize);

  healthRoute(app);
  registerWorkerRoute(app, deps);
  startAttemptsRoute(app, deps);
  completeAttemptsRoute(app, deps);
  workflowRoutes(app, deps);
  cancelRoutes(app, deps);
  restartWorkflowRoute(app, deps);
  requestAllocationRoute(app, deps);
  edgeRoutes(app, deps);
  streamEventsRoute(app, deps);
  documentRoutes(app, deps);
  accessRoutes(app, deps);

  // Served from buildOpenApiDocument (not doc31) so the security parts are in it.
  app.get('/openapi.json', (c) => c.json(buildOpenApiDocument(app)));
  swaggerUiRoutes(app);
  if (deps.auth) loginRoutes(app, { store: deps.store, ...deps.auth });
  docsPageRoute(app, () => buildOpenApiDocument(app));
  dashboardRoutes(app);

  if (deps.dashboard !== false) {
    const dashboard = createQueueDashboard({
      redisUrl: deps.redisUrl,
      prefix: deps.queuePrefix,
      basePath: '/queues',
      describeQueue: (name) => describeQueue(deps.store, name),
    });
    app.route('/queues', dashboard.app);
    closers.set(app, () => dashboard.close());
  }
  return app;
}

/**
 * CORS for the configured origins only (off unless `JOBGRAPH_CORS_ORIGINS` names some). No
 * credentials: other origins send a bearer token; the login cookie stays same-site.
 */
function corsFor(origins: readonly string[]) {
  return cors({
    origin: [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    exposeHeaders: ['Location', 'WWW-Authenticate'],
    maxAge: 600,
  });
}

const closers = new WeakMap<OpenAPIHono, () => Promise<void>>();

/** Release what `createApp` opened (the dashboard's Redis connection). Idempotent; the store is the caller's. */
export async function closeApp(app: OpenAPIHono): Promise<void> {
  const close = closers.get(app);
  closers.delete(app);
  await close?.();
}
