import { createRoute, z } from '@hono/zod-openapi';
import { buildSpec } from '../../workflow-spec/index.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { principalOf } from '../auth/principal-context.js';
import { withOwner } from '../auth/workflow-owner.js';
import { problems } from '../common/problem-schema.js';
import { WorkflowSchema } from './workflow-schema.js';

/** The created workflow, with the spec fields jobgraph accepted but does not act on yet. */
const CreatedWorkflowSchema = WorkflowSchema.extend({
  warnings: z.array(z.string()).openapi({
    description:
      'One line per spec field jobgraph accepts but does not act on yet, with its path ' +
      '(`resource_monitor.generate_plots: accepted, not acted on yet`); empty when none',
  }),
}).openapi('CreatedWorkflow');
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
    201: { description: 'Created', content: { 'application/json': { schema: CreatedWorkflowSchema } } },
    ...problems(400, 413, 415, 409, 422),
  },
});

export function createWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const spec = withOwner(principalOf(c), c.req.valid('json'));
    const { bundle, warnings } = buildSpec(spec, { maxJobs: deps.limits?.maxJobs });
    const workflow = await deps.store.createWorkflow(bundle);
    deps.logger?.info({ workflow: workflow._key }, 'workflow created');
    return c.json({ ...workflow, warnings }, 201);
  });
}
