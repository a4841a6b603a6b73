import { createRoute, z } from '@hono/zod-openapi';
import { specToBundle } from '../../workflow-spec/index.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { noteCreatedWorkflow } from '../auth/audit-request.js';
import { principalOf } from '../auth/principal-context.js';
import { withOwner } from '../auth/workflow-owner.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';
import { WORKFLOW_SPEC_EXAMPLE } from '../common/request-examples.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows',
  operationId: 'createWorkflow',
  tags: ['workflows'],
  summary: 'Create a workflow from a spec (JSON); `{"name": …}` alone makes an empty one for Direct mode',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.record(z.string(), z.unknown()).openapi('WorkflowSpec', {
            description: 'A workflow spec: name, jobs, files, user_data, resource_requirements, …',
          }),
          example: WORKFLOW_SPEC_EXAMPLE,
        },
      },
    },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: WorkflowSchema } } },
    ...problems(400, 413, 415, 409, 422),
  },
});

export function createWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const spec = withOwner(principalOf(c), c.req.valid('json'));
    const bundle = specToBundle(spec, { maxJobs: deps.limits?.maxJobs });
    const workflow = await deps.store.createWorkflow(bundle);
    noteCreatedWorkflow(c, workflow._key);
    deps.logger?.info({ workflow: workflow._key }, 'workflow created');
    return c.json(workflow, 201);
  });
}
