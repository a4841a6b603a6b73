import type { OpenAPIHono } from '@hono/zod-openapi';

/** The document's fixed parts; paths and components come from the routes. */
export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'jobgraph API',
    version: '0.1.0',
    description:
      'Workflow orchestrator for HPC: workflows as job graphs, resource-aware queues and workers. ' +
      'Errors are `application/problem+json` with a stable `code`.',
  },
  tags: [
    { name: 'workflows', description: 'Create, start, inspect and delete workflows' },
    { name: 'documents', description: 'Direct mode: the vertices and events of one workflow' },
    { name: 'edges', description: 'Direct mode: the edges of one workflow' },
    { name: 'workers', description: 'The worker protocol: register, start and complete attempts' },
    { name: 'meta', description: 'Health and documentation' },
  ],
};

/** The OpenAPI 3.1 document of `app`, as served at `/openapi.json` and written to `openapi/openapi.json`. */
export function buildOpenApiDocument(app: OpenAPIHono): ReturnType<OpenAPIHono['getOpenAPI31Document']> {
  return app.getOpenAPI31Document(OPENAPI_CONFIG);
}
