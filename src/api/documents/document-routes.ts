/**
 * Direct mode for one collection: list, create, get, patch, delete under
 * `/api/v1/workflows/{wf}/{collection}`. One set of routes per collection (not one route
 * with a `{collection}` parameter) so each has its own body schema and filters in the
 * OpenAPI document; unknown collections fall through to the 404 in not-found.ts.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { WorkflowCollection } from '../../core/model.js';
import {
  DOCUMENT_CREATE_SCHEMAS,
  DOCUMENT_LIST_FILTERS,
  DOCUMENT_PATCH_SCHEMAS,
} from '../../core/schemas/documents.js';
import { serverOwnedFields } from '../../graph/direct-mode-rules.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { DocumentSchema, jobParam, keyParam, workflowParam } from '../common/document-schema.js';
import { listOptions, pageBody, pagingQueryShape } from '../common/paging.js';
import { problems } from '../common/problem-schema.js';
import { DOCUMENT_CREATE_EXAMPLES, DOCUMENT_PATCH_EXAMPLES } from '../common/request-examples.js';
import { COLLECTION_NAMES } from './collection-names.js';
import { prepareCreate, preparePatch } from './prepare-document.js';
import { jobOf, workflowOf } from '../common/resolve-params.js';

const DocumentPageSchema = z
  .object({
    items: z.array(DocumentSchema),
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
  })
  .openapi('DocumentPage');

/** What the Direct-mode rules (decision 0010) say about writes to `collection`, for the route descriptions. */
function rulesOf(collection: WorkflowCollection): { create: string; patch: string; remove: string } {
  const owned = serverOwnedFields(collection).map((f) => `\`${f}\``);
  const ownedText = owned.length
    ? `Server-owned fields (${owned.join(', ')}) are read-only: 422 naming the field. `
    : '';
  const keys = 'A `_key` of a shape the server builds for itself is refused (422). ';
  return {
    create:
      ownedText +
      keys +
      (collection === 'jobs' ? 'Jobs are added before the workflow starts: 409 `invalid_state` after. ' : ''),
    patch: owned.length ? `${ownedText}Sending one back unchanged is fine.` : '',
    remove:
      collection === 'jobs'
        ? 'In a started workflow only a final job can be deleted (409 `invalid_state`, rule `delete-final-jobs-only`): ' +
          'cancel it first.'
        : collection === 'compute_nodes'
          ? 'Not while it runs an attempt of a running workflow (409, rule `keep-compute-node-of-running-attempt`).'
          : collection === 'allocations'
            ? 'Only once it has ended (409, rule `keep-allocation-until-ended`).'
            : '',
  };
}

export function documentRoutesFor(app: ApiApp, deps: ApiDeps, collection: WorkflowCollection): void {
  const rules = rulesOf(collection);
  const { one, many } = COLLECTION_NAMES[collection];
  const base = `/api/v1/workflows/{wf}/${collection}`;
  const json = (schema: z.ZodType, example?: Record<string, unknown>) => ({
    'application/json': { schema, ...(example && { example }) },
  });
  const wfParams = z.object({ wf: workflowParam });
  // Jobs are addressed by name as well as by key; other documents by key.
  const docParams = z.object({ wf: workflowParam, key: collection === 'jobs' ? jobParam : keyParam });
  const docOf = async (params: { wf: string; key: string }) =>
    collection === 'jobs' ? jobOf(deps, params) : { wf: await workflowOf(deps, params.wf), key: params.key };
  const filterShape = Object.fromEntries(
    Object.entries(DOCUMENT_LIST_FILTERS[collection]).map(([name, schema]) => [
      name,
      (schema as z.ZodType).openapi({
        param: { name, in: 'query' },
        description: `Only documents whose \`${name}\` equals this`,
      }),
    ]),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      operationId: `list${many}`,
      tags: ['documents'],
      summary: `List ${collection} of a workflow`,
      request: { params: wfParams, query: z.object({ ...pagingQueryShape, ...filterShape }) },
      responses: { 200: { description: 'A page', content: json(DocumentPageSchema) }, ...problems(404, 422) },
    }),
    async (c) => {
      const wf = await workflowOf(deps, c.req.valid('param').wf);
      const options = listOptions(c.req.valid('query') as { offset: number; limit: number } & Record<string, unknown>);
      return c.json(pageBody(await deps.store.listDocuments(wf, collection, options), options), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      operationId: `create${one}`,
      tags: ['documents'],
      summary: `Add a document to ${collection}`,
      description: rules.create,
      request: {
        params: wfParams,
        body: {
          required: true,
          content: json(DOCUMENT_CREATE_SCHEMAS[collection], DOCUMENT_CREATE_EXAMPLES[collection]),
        },
      },
      responses: {
        201: { description: 'Created', content: json(DocumentSchema) },
        ...problems(400, 413, 415, 404, 409, 422),
      },
    }),
    async (c) => {
      const wf = await workflowOf(deps, c.req.valid('param').wf);
      const body = prepareCreate(collection, c.req.valid('json') as Record<string, unknown>);
      return c.json(await deps.store.insertDocument(wf, collection, body), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{key}`,
      operationId: `get${one}`,
      tags: ['documents'],
      summary: `Get one document of ${collection}`,
      request: { params: docParams },
      responses: { 200: { description: 'The document', content: json(DocumentSchema) }, ...problems(404, 422) },
    }),
    async (c) => {
      const { wf, key } = await docOf(c.req.valid('param'));
      return c.json(await deps.store.getDocument(wf, collection, key), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: `${base}/{key}`,
      operationId: `update${one}`,
      tags: ['documents'],
      summary: `Shallow-merge fields into a document of ${collection}`,
      ...(rules.patch && { description: rules.patch }),
      request: {
        params: docParams,
        body: {
          required: true,
          content: json(DOCUMENT_PATCH_SCHEMAS[collection], DOCUMENT_PATCH_EXAMPLES[collection]),
        },
      },
      responses: {
        200: { description: 'The updated document', content: json(DocumentSchema) },
        ...problems(400, 413, 415, 404, 422),
      },
    }),
    async (c) => {
      const { wf, key } = await docOf(c.req.valid('param'));
      const patch = preparePatch(collection, c.req.valid('json') as Record<string, unknown>);
      return c.json(await deps.store.updateDocument(wf, collection, key, patch), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{key}`,
      operationId: `delete${one}`,
      tags: ['documents'],
      summary: `Delete a document of ${collection} and every edge touching it`,
      ...(rules.remove && { description: rules.remove }),
      request: { params: docParams },
      responses: { 204: { description: 'Deleted' }, ...problems(404, 409, 422) },
    }),
    async (c) => {
      const { wf, key } = await docOf(c.req.valid('param'));
      await deps.store.deleteDocument(wf, collection, key);
      return c.body(null, 204);
    },
  );
}
