import { createRoute } from '@hono/zod-openapi';
import { randomKey } from '../../core/keys.js';
import { RegisterWorkerRequestSchema, RegisterWorkerResponseSchema } from '../../core/schemas/worker-protocol.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { problems } from '../common/problem-schema.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workers',
  operationId: 'registerWorker',
  tags: ['workers'],
  summary: 'Register a worker; answers its id and the Redis connection for the queues',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterWorkerRequestSchema } } } },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: RegisterWorkerResponseSchema } } },
    ...problems(400, 413, 415, 404, 422),
  },
});

/**
 * Workers learn the Redis connection here so they need only the API URL. A worker bound to
 * one workflow gets its compute node document now, so the workflow shows it before its first job.
 */
export function registerWorkerRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const worker_id = randomKey();
    if (body.workflow !== undefined) {
      const workflow = body.workflow;
      await deps.store.getWorkflow(workflow); // 404 for an unknown workflow
      const started_at = new Date().toISOString();
      await deps.store.insertDocument(workflow, 'compute_nodes', {
        _key: `${workflow}-${worker_id}`,
        worker_id,
        hostname: body.hostname,
        pid: body.pid,
        num_cpus: body.num_cpus,
        memory_bytes: body.memory_bytes,
        num_gpus: body.num_gpus,
        ...(body.allocation !== undefined && { allocation: body.allocation }),
        started_at,
        is_active: true,
      });
      await deps.store.appendEvents([
        {
          workflow,
          source: 'system',
          type: 'worker_registered',
          worker_id,
          hostname: body.hostname,
          ...(body.allocation !== undefined && { allocation: body.allocation }),
          timestamp: started_at,
        },
      ]);
    }
    deps.logger?.info({ worker: worker_id, hostname: body.hostname, workflow: body.workflow }, 'worker registered');
    return c.json(
      {
        worker_id,
        redis_url: deps.redisUrl,
        queue_prefix: deps.queuePrefix,
        ...(deps.heartbeat && { heartbeat_ms: deps.heartbeat.intervalMs, heartbeat_ttl_ms: deps.heartbeat.ttlMs }),
      },
      201,
    );
  });
}
