/**
 * An API with authentication (decision 0013) over a real SQLite file and the suite's real
 * Redis, and tokens for the callers the access tests need: made through the store as
 * `jobgraph token create --db` makes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { inject } from 'vitest';
import { closeApp, createApp, type ApiDeps } from '../../src/api/app.js';
import type { Role } from '../../src/core/access.js';
import { randomKey } from '../../src/core/keys.js';
import { hashToken } from '../../src/core/tokens.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { issueToken, type TokenRequest } from '../../src/graph/issue-token.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import type { ApiResponse } from './api-fixture.js';

export interface AuthFixture {
  app: OpenAPIHono;
  store: GraphStore;
  /** A fresh token's secret. */
  token(user: string, role: Role, extra?: Partial<TokenRequest>): Promise<string>;
  /** Send a request with `token` (none: anonymous); a non-string body is sent as JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are what the assertions check
  call<T = any>(token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** A workflow owned by `user`, with one job (key returned). */
  workflowOf(user: string): Promise<string>;
  close(): Promise<void>;
}

export const ADMIN_ENV_TOKEN = 'env-admin-token-0123456789abcdef0123456789';

export function createAuthFixture(
  options: { dashboard?: boolean; corsOrigins?: readonly string[]; limits?: ApiDeps['limits'] } = {},
): AuthFixture {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-auth-'));
  const store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
  const app = createApp({
    store,
    redisUrl: inject('redisUrl'),
    queuePrefix: `t-${randomKey(6)}`,
    dashboard: options.dashboard ?? false,
    ...(options.corsOrigins && { corsOrigins: options.corsOrigins }),
    ...(options.limits && { limits: options.limits }),
    auth: { adminTokenHash: hashToken(ADMIN_ENV_TOKEN) },
  });
  const call: AuthFixture['call'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    // An event stream stays open while its workflow runs: its status and headers are the answer.
    if (type.startsWith('text/event-stream')) await res.body?.cancel();
    const text = type.startsWith('text/event-stream') ? '' : await res.text();
    return {
      status: res.status,
      contentType: type,
      body: (type.includes('json') && text ? JSON.parse(text) : text) as never,
      text,
    };
  };
  return {
    app,
    store,
    call,
    async token(user, role, extra = {}) {
      return (await issueToken(store, { user, role, ...extra })).token;
    },
    async workflowOf(user) {
      const res = await call(ADMIN_ENV_TOKEN, 'POST', '/api/v1/workflows', {
        name: `wf-${randomKey(4)}`,
        user,
        jobs: [{ name: 'a', command: 'true' }],
      });
      if (res.status !== 201) throw new Error(`workflow not created: ${res.status} ${res.text}`);
      return res.body._key as string;
    },
    async close() {
      await closeApp(app);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
