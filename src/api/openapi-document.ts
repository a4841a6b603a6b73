import type { OpenAPIHono } from '@hono/zod-openapi';
import { addSecurity } from './auth/openapi-security.js';

/** The document's fixed parts; paths and components come from the routes. */
export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'jobgraph API',
    version: '0.1.0',
    description:
      'Workflow orchestrator for HPC: workflows as job graphs, resource-aware queues and workers. ' +
      'Errors are `application/problem+json` with a stable `code`. A server started with `--auth` ' +
      '(the default on a non-loopback address) needs `Authorization: Bearer <token>` on every operation ' +
      'but the public ones; `x-jobgraph-access` says who may call each (docs/security.md).',
  },
  // Relative: "Try it out" and generated clients call the server that served the document.
  servers: [{ url: '/', description: 'the jobgraph server that serves this document' }],
  tags: [
    { name: 'workflows', description: 'Create, start, inspect and delete workflows' },
    { name: 'documents', description: 'Direct mode: the vertices and events of one workflow' },
    { name: 'edges', description: 'Direct mode: the edges of one workflow' },
    { name: 'workers', description: 'The worker protocol: register, start and complete attempts' },
    { name: 'access', description: 'Tokens, access groups and workflow shares (admins; shares: workflow owners)' },
    { name: 'meta', description: 'Health and documentation' },
  ],
};

/** The OpenAPI 3.1 document of `app`, as served at `/openapi.json` and written to `openapi/openapi.json`. */
export function buildOpenApiDocument(app: OpenAPIHono): ReturnType<OpenAPIHono['getOpenAPI31Document']> {
  return addSecurity(app.getOpenAPI31Document(OPENAPI_CONFIG));
}
