import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/workflows/{wf}',
  operationId: 'deleteWorkflow',
  tags: ['workflows'],
  summary: 'Delete a workflow and every document and edge of it',
  request: { params: z.object({ wf: workflowParam }) },
  responses: { 204: { description: 'Deleted' }, ...problems(404, 422) },
});

export function deleteWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await deps.store.deleteWorkflow(await workflowOf(deps, c.req.valid('param').wf));
    return c.body(null, 204);
  });
}
