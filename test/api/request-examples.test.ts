/**
 * Every request body example in the OpenAPI document is one the API accepts: each document and
 * edge example is posted to a fresh workflow, each patch example to the document just made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_COLLECTIONS } from '../../src/core/model.js';
import {
  DOCUMENT_CREATE_EXAMPLES,
  DOCUMENT_PATCH_EXAMPLES,
  WORKFLOW_SPEC_EXAMPLE,
} from '../../src/api/common/request-examples.js';
import { openApiJsonText } from '../../src/api/openapi-json.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => {
  await api.close();
});

describe('request body examples', () => {
  it('every operation with a JSON body has an example', () => {
    const doc = JSON.parse(openApiJsonText()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { example?: unknown; schema: { $ref?: string } }> } }>
      >;
      components: { schemas: Record<string, { example?: unknown }> };
    };
    const without: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const media = op.requestBody?.content['application/json'];
        if (!media) continue;
        const ref = media.schema.$ref?.split('/').pop();
        if (media.example === undefined && (ref === undefined || doc.components.schemas[ref]?.example === undefined)) {
          without.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(without).toEqual([]);
  });

  it('the workflow spec example creates a workflow', async () => {
    const r = await api.call('POST', '/api/v1/workflows', WORKFLOW_SPEC_EXAMPLE);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });

  it.each(WORKFLOW_COLLECTIONS)('%s: the create and patch examples are accepted', async (collection) => {
    const wf = (await api.call('POST', '/api/v1/workflows', { name: `examples-${collection}` })).body._key as string;
    const created = await api.call(
      'POST',
      `/api/v1/workflows/${wf}/${collection}`,
      DOCUMENT_CREATE_EXAMPLES[collection],
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await api.call(
      'PATCH',
      `/api/v1/workflows/${wf}/${collection}/${created.body._key as string}`,
      DOCUMENT_PATCH_EXAMPLES[collection],
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  });
});
