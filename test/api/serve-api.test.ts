import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApi } from '../../src/api/serve.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

describe('serveApi', () => {
  it('listens on an ephemeral port, answers over HTTP, and stops', async () => {
    const server = await serveApi(api.app, { host: '127.0.0.1', port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const registered = await fetch(`${server.url}/api/v1/workers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hostname: 'h', pid: 1, num_cpus: 1, memory_bytes: 1 }),
    });
    expect(registered.status).toBe(201);
    await server.close();
    await server.close(); // idempotent
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
