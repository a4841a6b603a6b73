import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from './api-app.js';

const route = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'health',
  tags: ['meta'],
  summary: 'Liveness: the API process answers',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).openapi('Health') } },
    },
  },
});

export function healthRoute(app: ApiApp): void {
  app.openapi(route, (c) => c.json({ status: 'ok' as const }, 200));
}
