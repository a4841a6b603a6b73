/** The generated `openapi/schema.d.ts` types a real openapi-fetch client against the running API. */
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../../openapi/schema.js';
import { serveApi, type RunningApi } from '../../src/api/serve.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let server: RunningApi;
beforeAll(async () => {
  api = createApiFixture();
  server = await serveApi(api.app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  await api.close();
});

describe('generated client types', () => {
  it('create, add a job, list it, read an error', async () => {
    const client = createClient<paths>({ baseUrl: server.url });
    const created = await client.POST('/api/v1/workflows', { body: { name: 'typed' } });
    expect(created.response.status).toBe(201);
    const wf = created.data!._key;

    const job = await client.POST('/api/v1/workflows/{wf}/jobs', {
      params: { path: { wf } },
      body: { name: 'a', command: 'true' },
    });
    expect(job.data?.status).toBe('uninitialized');

    const list = await client.GET('/api/v1/workflows/{wf}/jobs', {
      params: { path: { wf }, query: { status: 'uninitialized' } },
    });
    expect(list.data?.items.map((j) => j._key)).toEqual([job.data!._key]);

    const missing = await client.GET('/api/v1/workflows/{wf}', { params: { path: { wf: 'nope' } } });
    expect(missing.error?.code).toBe('not_found');
  });
});
