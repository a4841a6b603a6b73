/**
 * Direct mode for one edge collection: list and create under
 * `/api/v1/workflows/{wf}/edges/{collection}`. The store checks that `_from`/`_to` are
 * existing documents of the collections EDGE_ENDPOINTS names (422 naming the field).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { EDGE_ENDPOINTS, type EdgeCollection } from '../../core/model.js';
import { DocumentKeySchema } from '../../core/schemas/documents.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { EdgeSchema, workflowParam } from '../common/document-schema.js';
import { listOptions, pageBody, pagingQueryShape } from '../common/paging.js';
import { problems } from '../common/problem-schema.js';
import { edgeCreateExample } from '../common/request-examples.js';
import { workflowOf } from '../common/resolve-params.js';

const EdgePageSchema = z
  .object({ items: z.array(EdgeSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
  .openapi('EdgePage');

const EdgeCreateSchema = z
  .looseObject({
    _key: DocumentKeySchema.optional(),
    _from: z.string().min(1).openapi({ description: '`_id` of the source document', example: 'jobs/k3x9a0-j1' }),
    _to: z.string().min(1).openapi({ description: '`_id` of the target document', example: 'files/k3x9a0-f1' }),
  })
  .openapi('EdgeCreate');

/** `blocks` → `Blocks`, `scheduled_by` → `ScheduledBy`, for operation ids. */
function pascal(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_m, _sep: string, ch: string) => ch.toUpperCase());
}

export function edgeRoutesFor(app: ApiApp, deps: ApiDeps, collection: EdgeCollection): void {
  const path = `/api/v1/workflows/{wf}/edges/${collection}`;
  const [from, to] = EDGE_ENDPOINTS[collection];
  const params = z.object({ wf: workflowParam });
  const filterParam = (name: string) =>
    z
      .string()
      .optional()
      .openapi({ param: { name, in: 'query' }, description: `Only edges whose \`${name}\` equals this` });

  app.openapi(
    createRoute({
      method: 'get',
      path,
      operationId: `list${pascal(collection)}Edges`,
      tags: ['edges'],
      summary: `List ${collection} edges (${from} → ${to})`,
      request: {
        params,
        query: z.object({ ...pagingQueryShape, _from: filterParam('_from'), _to: filterParam('_to') }),
      },
      responses: {
        200: { description: 'A page', content: { 'application/json': { schema: EdgePageSchema } } },
        ...problems(404, 422),
      },
    }),
    async (c) => {
      const wf = await workflowOf(deps, c.req.valid('param').wf);
      const options = listOptions(c.req.valid('query'));
      await deps.store.getWorkflow(wf);
      return c.json(pageBody(await deps.store.listEdges(wf, collection, options), options), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path,
      operationId: `create${pascal(collection)}Edge`,
      tags: ['edges'],
      summary: `Add a ${collection} edge: \`_from\` a ${from} \`_id\`, \`_to\` a ${to} \`_id\``,
      description:
        (collection === 'blocks'
          ? 'In a started workflow the dependent counts the new blocker (when the blocker is not final) and waits ' +
            'for it; an edge that closes a cycle is refused (422 `dependency_cycle` naming the jobs), and so is one ' +
            'onto a job already queued or running (409 `invalid_state`, rule `blocks-before-dependent-starts`). '
          : '') + 'A `_key` of a shape the server builds for itself is refused (422).',
      request: {
        params,
        body: {
          required: true,
          content: { 'application/json': { schema: EdgeCreateSchema, example: edgeCreateExample(from, to) } },
        },
      },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: EdgeSchema } } },
        ...problems(400, 413, 415, 404, 409, 422),
      },
    }),
    async (c) => {
      const wf = await workflowOf(deps, c.req.valid('param').wf);
      return c.json(await deps.store.insertEdge(wf, collection, c.req.valid('json')), 201);
    },
  );
}
