/**
 * CORS (issue 15, item 4): off unless `JOBGRAPH_CORS_ORIGINS` names origins; then those
 * origins, and only those, get `Access-Control-*` answers — preflights included, which
 * carry no token and so must be answered before authentication.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { ADMIN_ENV_TOKEN, createAuthFixture } from './auth-fixture.js';

const PORTAL = 'https://portal.example.org';
const OTHER = 'https://evil.example.com';

function preflight(origin: string) {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  };
}

describe('CORS off by default', () => {
  const f = createAuthFixture();
  afterAll(() => f.close());

  it('sends no Access-Control-* header to any origin, on a preflight or a request', async () => {
    const pre = await f.app.request('/api/v1/workflows', preflight(PORTAL));
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    const res = await f.app.request('/api/v1/workflows', {
      headers: { origin: PORTAL, authorization: `Bearer ${ADMIN_ENV_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('CORS with JOBGRAPH_CORS_ORIGINS', () => {
  const f = createAuthFixture({ corsOrigins: [PORTAL] });
  afterAll(() => f.close());

  it('answers a configured origin’s preflight without a token, allowing Authorization', async () => {
    const pre = await f.app.request('/api/v1/workflows', preflight(PORTAL));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    // Bearer tokens, not cookies, cross origins: the SameSite=Strict login cookie stays home.
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets a configured origin read answers, still under auth', async () => {
    const ok = await f.app.request('/api/v1/workflows', {
      headers: { origin: PORTAL, authorization: `Bearer ${ADMIN_ENV_TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PORTAL);
    const anonymous = await f.app.request('/api/v1/workflows', { headers: { origin: PORTAL } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(anonymous.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('gives any other origin no Access-Control-Allow-Origin', async () => {
    const pre = await f.app.request('/api/v1/workflows', preflight(OTHER));
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await f.app.request('/api/v1/workflows', {
      headers: { origin: OTHER, authorization: `Bearer ${ADMIN_ENV_TOKEN}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('JOBGRAPH_CORS_ORIGINS', () => {
  it('is a comma list of origins, empty by default', () => {
    expect(loadConfig({}, {}).JOBGRAPH_CORS_ORIGINS).toEqual([]);
    expect(
      loadConfig({ JOBGRAPH_CORS_ORIGINS: ` ${PORTAL}, http://localhost:3000 ,` }, {}).JOBGRAPH_CORS_ORIGINS,
    ).toEqual([PORTAL, 'http://localhost:3000']);
  });

  it('refuses an origin with a path, naming the variable', () => {
    expect(() => loadConfig({ JOBGRAPH_CORS_ORIGINS: `${PORTAL}/app` }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ JOBGRAPH_CORS_ORIGINS: `${PORTAL}/app` }, {})).toThrow(/JOBGRAPH_CORS_ORIGINS/);
  });
});
