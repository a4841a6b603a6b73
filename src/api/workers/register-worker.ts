import { createRoute } from '@hono/zod-openapi';
import { computeNodeKey, randomKey } from '../../core/keys.js';
import { RegisterWorkerRequestSchema, RegisterWorkerResponseSchema } from '../../core/schemas/worker-protocol.js';
import { workerRegisteredEvent } from '../../graph/system-events.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { problems } from '../common/problem-schema.js';
import { REGISTER_WORKER_EXAMPLE } from '../common/request-examples.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workers',
  operationId: 'registerWorker',
  tags: ['workers'],
  summary: 'Register a worker; answers its id and the Redis connection for the queues',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: RegisterWorkerRequestSchema, example: REGISTER_WORKER_EXAMPLE } },
    },
  },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: RegisterWorkerResponseSchema } } },
    ...problems(400, 413, 415, 404, 422),
  },
});

/**
 * Workers learn the Redis connection here so they need only the API URL. A worker bound to
 * one workflow gets its compute node document now, so the workflow shows it before its first job,
 * with the instance it runs on when it knows one (`worker start --imds`).
 */
export function registerWorkerRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const worker_id = randomKey();
    const { instance_id, instance_type, zone, market } = body;
    const instance = Object.fromEntries(
      Object.entries({ instance_id, instance_type, zone, market }).filter(([, v]) => v !== undefined),
    );
    if (body.workflow !== undefined) {
      const workflow = body.workflow;
      await deps.store.getWorkflow(workflow); // 404 for an unknown workflow
      const started_at = new Date().toISOString();
      // The compute node and its event in one write: neither exists without the other.
      await deps.store.writeDocuments(workflow, {
        insert: [
          {
            collection: 'compute_nodes',
            doc: {
              _key: computeNodeKey(workflow, worker_id),
              worker_id,
              hostname: body.hostname,
              pid: body.pid,
              num_cpus: body.num_cpus,
              memory_bytes: body.memory_bytes,
              num_gpus: body.num_gpus,
              ...(body.gpus !== undefined && { gpus: body.gpus }),
              ...(body.allocation !== undefined && { allocation: body.allocation }),
              ...instance,
              started_at,
              is_active: true,
            },
          },
        ],
        events: [
          workerRegisteredEvent({
            worker_id,
            hostname: body.hostname,
            allocation: body.allocation,
            ...instance,
            timestamp: started_at,
          }),
        ],
      });
    }
    deps.logger?.info(
      { worker: worker_id, hostname: body.hostname, workflow: body.workflow, ...instance },
      'worker registered',
    );
    return c.json(
      {
        worker_id,
        redis_url: deps.redisUrl,
        queue_prefix: deps.queuePrefix,
        ...(deps.heartbeat && { heartbeat_ms: deps.heartbeat.intervalMs, heartbeat_ttl_ms: deps.heartbeat.ttlMs }),
        ...(deps.heartbeat?.fenceMs !== undefined && { fence_ms: deps.heartbeat.fenceMs }),
      },
      201,
    );
  });
}
