import { createRoute, z } from '@hono/zod-openapi';
import { WORKFLOW_STATUSES } from '../../core/model.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { StatusCountsSchema } from './workflow-schema.js';
import { workflowOf } from '../common/resolve-params.js';

const WorkflowStatusSchema = z
  .object({
    workflow: z.string().openapi({ description: 'Workflow key' }),
    status: z.enum(WORKFLOW_STATUSES),
    counts: StatusCountsSchema,
    total: z.number().int(),
  })
  .openapi('WorkflowStatus');

const route = createRoute({
  method: 'get',
  path: '/api/v1/workflows/{wf}/status',
  operationId: 'getWorkflowStatus',
  tags: ['workflows'],
  summary: 'Workflow status and job counts per status',
  request: { params: z.object({ wf: workflowParam }) },
  responses: {
    200: { description: 'Status', content: { 'application/json': { schema: WorkflowStatusSchema } } },
    ...problems(404, 422),
  },
});

export function workflowStatusRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    const workflow = await deps.store.getWorkflow(wf);
    const counts = await deps.store.statusCounts(wf);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return c.json({ workflow: wf, status: workflow.status, counts, total }, 200);
  });
}
