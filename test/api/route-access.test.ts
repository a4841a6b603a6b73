/**
 * Every operation of the OpenAPI document, called by anonymous, another user, a reader, a
 * worker (scoped to the workflow) and the workflow's owner, gets the status its rule in
 * src/api/auth/route-rules.ts promises: refused ones 401/403 problem+json, allowed ones
 * anything else (the route's own 2xx/404/422). An operation that matches no rule fails here,
 * so a new route cannot ship without deciding who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchRouteRule, type RouteAccess } from '../../src/api/auth/route-rules.js';
import { generateOpenApiDocument } from '../../src/api/openapi-json.js';
import { ADMIN_ENV_TOKEN, createAuthFixture, type AuthFixture } from './auth-fixture.js';

type Caller = 'anonymous' | 'otherUser' | 'reader' | 'worker' | 'owner' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'otherUser', 'reader', 'worker', 'owner', 'admin'];
type Expected = 'allowed' | 401 | 403;

/** What each caller should get under a rule: written out here, independently of the middleware. */
function expected(access: RouteAccess, caller: Caller): Expected {
  if (access.kind === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  if (caller === 'admin') return 'allowed';
  switch (access.kind) {
    case 'roles': {
      const role = { otherUser: 'user', owner: 'user', reader: 'reader', worker: 'worker' }[caller] as string;
      return (access.roles as readonly string[]).includes(role) ? 'allowed' : 403;
    }
    case 'workflow':
      if (caller === 'owner') return 'allowed';
      if (caller === 'otherUser') return 403;
      if (caller === 'reader') return access.level === 'read' ? 'allowed' : 403;
      return access.workers && access.level !== 'own' ? 'allowed' : 403;
    case 'worker-protocol':
      return caller === 'owner' || caller === 'worker' ? 'allowed' : 403;
  }
}

/** A body that names the workflow where the worker protocol looks for it; `{}` elsewhere. */
function bodyFor(operationId: string, wf: string): unknown {
  if (operationId === 'registerWorker') return { workflow: wf };
  if (operationId === 'startAttempts') return { attempts: [{ workflow: wf, job: 'x', attempt: 1 }] };
  if (operationId === 'completeAttempts') return { results: [{ workflow: wf, job: 'x', attempt: 1 }] };
  return {};
}

const doc = generateOpenApiDocument();
const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
  ['get', 'post', 'put', 'patch', 'delete']
    .filter((m) => (item as Record<string, unknown>)[m])
    .map((method) => ({
      method: method.toUpperCase(),
      path,
      operationId: (item as Record<string, { operationId?: string }>)[method]!.operationId ?? `${method} ${path}`,
    })),
);

describe('route access: every OpenAPI operation', () => {
  let fx: AuthFixture;
  beforeAll(() => {
    fx = createAuthFixture();
  });
  afterAll(async () => fx?.close());

  it('lists the operations (sanity: the table below is not empty)', () => {
    expect(operations.length).toBeGreaterThan(80);
  });

  it.each(operations)('$operationId ($method $path) has a rule of its own', ({ method, path }) => {
    // The default (admin only) is the net for unknown paths, not a decision for a documented route.
    expect(matchRouteRule(method, path).pattern, `${method} ${path} matches no rule in route-rules.ts`).toBeDefined();
  });

  it.each(operations)("$operationId ($method $path): each caller gets its rule's answer", async (op) => {
    const access = matchRouteRule(op.method, op.path).access;
    const wf = await fx.workflowOf('alice');
    const tokens: Record<Caller, string | undefined> = {
      anonymous: undefined,
      otherUser: await fx.token('bob', 'user'),
      reader: await fx.token('rita', 'reader'),
      worker: await fx.token('alice', 'worker', { workflows: [wf] }),
      owner: await fx.token('alice', 'user'),
      admin: ADMIN_ENV_TOKEN,
    };
    const path = op.path.replace('{wf}', wf).replace('{key}', 'k0').replace('{group}', 'g0');
    const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? bodyFor(op.operationId, wf) : undefined;
    // The owner and admin go last: a DELETE they may make would take the workflow away from the others.
    for (const caller of CALLERS) {
      const res = await fx.call(tokens[caller], op.method, path, body);
      const want = expected(access, caller);
      const seen = `${caller}: ${res.status} ${res.text.slice(0, 200)}`;
      if (want === 'allowed') {
        expect([401, 403], seen).not.toContain(res.status);
        expect(res.status, seen).toBeLessThan(500);
      } else {
        expect(res.status, seen).toBe(want);
        expect(res.contentType, seen).toContain('application/problem+json');
        expect(res.body.code, seen).toBe(want === 401 ? 'unauthenticated' : 'forbidden');
      }
    }
  });

  it('refuses paths outside the document to everyone but admins (deny by default)', async () => {
    const user = await fx.token('alice', 'user');
    expect((await fx.call(undefined, 'GET', '/api/v1/not-yet-written')).status).toBe(401);
    expect((await fx.call(user, 'GET', '/api/v1/not-yet-written')).status).toBe(403);
    expect((await fx.call(ADMIN_ENV_TOKEN, 'GET', '/api/v1/not-yet-written')).status).toBe(404);
  });

  it("declares each operation's security in the document: none for public ones, bearer for the rest", () => {
    for (const op of operations) {
      const declared = (doc.paths![op.path] as Record<string, { security?: unknown[] }>)[op.method.toLowerCase()]!;
      const isPublic = matchRouteRule(op.method, op.path).access.kind === 'public';
      expect(declared.security, op.operationId).toEqual(isPublic ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }]);
    }
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
