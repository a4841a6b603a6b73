import { createRoute, z } from '@hono/zod-openapi';
import { WORKFLOW_STATUSES } from '../../core/model.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { principalOf } from '../auth/principal-context.js';
import { listVisibleWorkflows } from '../auth/visible-workflows.js';
import { listOptions, pageBody, pageSchema, pagingQueryShape } from '../common/paging.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/workflows',
  operationId: 'listWorkflows',
  tags: ['workflows'],
  summary: 'List workflows',
  request: {
    query: z.object({
      ...pagingQueryShape,
      status: z
        .enum(WORKFLOW_STATUSES)
        .optional()
        .openapi({ param: { name: 'status', in: 'query' } }),
      name: z
        .string()
        .optional()
        .openapi({ param: { name: 'name', in: 'query' } }),
      user: z
        .string()
        .optional()
        .openapi({ param: { name: 'user', in: 'query' } }),
    }),
  },
  responses: {
    200: {
      description: 'A page of workflows',
      content: { 'application/json': { schema: pageSchema(WorkflowSchema, 'WorkflowPage') } },
    },
    ...problems(422),
  },
});

export function listWorkflowsRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const options = listOptions(c.req.valid('query'));
    return c.json(pageBody(await listVisibleWorkflows(deps.store, principalOf(c), options), options), 200);
  });
}
