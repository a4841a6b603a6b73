import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_COLLECTIONS } from '../../src/core/model.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

describe('meta endpoints', () => {
  it('GET /health', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document with every operation', async () => {
    const res = await api.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    expect(paths).toContain('/api/v1/workflows/{wf}/start');
    expect(paths).toContain('/api/v1/attempts/complete');
    for (const collection of WORKFLOW_COLLECTIONS) {
      expect(paths).toContain(`/api/v1/workflows/{wf}/${collection}`);
      expect(paths).toContain(`/api/v1/workflows/{wf}/${collection}/{key}`);
    }
    expect(paths).toContain('/api/v1/workflows/{wf}/edges/needs');
    // Every operation has a unique id (generated clients rely on it).
    const ids = Object.values(res.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (item) => Object.values(item).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(res.body.components.schemas.Problem).toBeDefined();
  });

  it('GET /docs/reference is a script-free HTML page listing the operations', async () => {
    const res = await api.call('GET', '/docs/reference');
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/html');
    expect(res.text).toContain('/api/v1/workflows/{wf}/status');
    expect(res.text).toContain('id="schema-Problem"');
    expect(res.text).not.toMatch(/<script[^>]+src=/);
  });

  it('GET /docs is Swagger UI on /openapi.json, with its files served locally', async () => {
    const res = await api.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain("url: '/openapi.json'");
    const scripts = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toContain('/docs/assets/swagger-ui-bundle.js');
    for (const asset of scripts) {
      expect(asset.startsWith('/docs/assets/')).toBe(true); // nothing from a CDN
      const file = await api.call('GET', asset);
      expect(file.status, asset).toBe(200);
    }
    const bundle = await api.call('GET', '/docs/assets/swagger-ui-bundle.js');
    expect(bundle.contentType).toContain('javascript');
    expect(bundle.text).toContain('SwaggerUIBundle');
    expect((await api.call('GET', '/docs/assets/package.json')).status).toBe(404);
  });

  it('an unknown route is a problem 404', async () => {
    const res = await api.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});
