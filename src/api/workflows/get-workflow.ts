import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/workflows/{wf}',
  operationId: 'getWorkflow',
  tags: ['workflows'],
  summary: 'Get a workflow document',
  request: { params: z.object({ wf: workflowParam }) },
  responses: {
    200: { description: 'The workflow', content: { 'application/json': { schema: WorkflowSchema } } },
    ...problems(404, 422),
  },
});

export function getWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) =>
    c.json(await deps.store.getWorkflow(await workflowOf(deps, c.req.valid('param').wf)), 200),
  );
}
