/**
 * Tokens end to end through the API (decision 0013): lifecycle (create, use, list, revoke,
 * expiry), worker scopes, ownership of created workflows, listing, sharing through access
 * groups, and the audit event of a change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV_TOKEN, createAuthFixture, type AuthFixture } from './auth-fixture.js';

let fx: AuthFixture;
beforeEach(() => {
  fx = createAuthFixture();
});
afterEach(async () => fx.close());

describe('token lifecycle', () => {
  it('creates a token through the API, shows it once, lists it without secrets, and refuses it once revoked', async () => {
    const created = await fx.call(ADMIN_ENV_TOKEN, 'POST', '/api/v1/tokens', {
      user: 'alice',
      role: 'user',
      expires: '30d',
    });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    expect(secret).toMatch(/^jg_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(created.body.info.expires_at) - Date.now()).toBeGreaterThan(29 * 86400_000);

    const me = await fx.call(secret, 'GET', '/api/v1/whoami');
    expect(me.body).toEqual({ user: 'alice', role: 'user', auth: true });

    const listed = await fx.call(ADMIN_ENV_TOKEN, 'GET', '/api/v1/tokens?user=alice');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain('hash');
    // The store holds the hash, never the secret.
    const [stored] = await fx.store.listTokens('alice');
    expect(JSON.stringify(stored)).not.toContain(secret);

    const revoked = await fx.call(ADMIN_ENV_TOKEN, 'DELETE', `/api/v1/tokens/${created.body.info._key}`);
    expect(revoked.body.revoked_at).toBeDefined();
    const refused = await fx.call(secret, 'GET', '/api/v1/whoami');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'unauthenticated', detail: 'the token was revoked' });
    expect(refused.text).not.toContain(secret);
  });

  it('refuses expired, unknown and malformed tokens with 401 problem+json and a Bearer challenge', async () => {
    const expired = await fx.token('alice', 'user', { expiresInS: -1 });
    for (const [header, detail] of [
      [`Bearer ${expired}`, 'the token expired'],
      ['Bearer jg_not-a-token', 'the token is not valid'],
      ['Basic YWxpY2U6eA==', 'the Authorization header must be "Bearer <token>"'],
    ] as const) {
      const res = await fx.app.request('/api/v1/workflows', { headers: { authorization: header } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="jobgraph"');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toBe(detail);
    }
  });

  it('lets only admins manage tokens', async () => {
    const alice = await fx.token('alice', 'user');
    const res = await fx.call(alice, 'POST', '/api/v1/tokens', { user: 'alice', role: 'admin' });
    expect(res.status).toBe(403);
    expect(await fx.store.listTokens('alice')).toHaveLength(1);
  });
});

describe('worker tokens', () => {
  it('reach the worker routes of their own workflow only, and cannot read another workflow', async () => {
    const mine = await fx.workflowOf('alice');
    const other = await fx.workflowOf('alice');
    const worker = await fx.token('alloc', 'worker', { workflows: [mine] });
    expect((await fx.call(worker, 'GET', `/api/v1/workflows/${mine}/status`)).status).toBe(200);
    expect((await fx.call(worker, 'GET', `/api/v1/workflows/${other}`)).status).toBe(403);
    expect((await fx.call(worker, 'GET', `/api/v1/workflows/${other}/status`)).status).toBe(403);
    // Not a worker route, even of its own workflow.
    expect((await fx.call(worker, 'GET', `/api/v1/workflows/${mine}/jobs`)).status).toBe(403);
    expect((await fx.call(worker, 'GET', '/api/v1/workflows')).status).toBe(403);
    // A batch naming another workflow is refused whole.
    const start = await fx.call(worker, 'POST', '/api/v1/attempts/start', {
      attempts: [
        { workflow: mine, job: 'x', attempt: 1 },
        { workflow: other, job: 'x', attempt: 1 },
      ],
    });
    expect(start.status).toBe(403);
    expect(start.body.detail).toBe(`this worker token is not for workflow ${other}`);
  });
});

describe('ownership', () => {
  it('makes the creator the owner, refuses a spec naming someone else, and lists each user its own', async () => {
    const alice = await fx.token('alice', 'user');
    const bob = await fx.token('bob', 'user');
    const created = await fx.call(alice, 'POST', '/api/v1/workflows', {
      name: 'w',
      jobs: [{ name: 'a', command: 'true' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toBe('alice');
    const forged = await fx.call(bob, 'POST', '/api/v1/workflows', { name: 'w', user: 'alice' });
    expect(forged.status).toBe(403);
    await fx.call(bob, 'POST', '/api/v1/workflows', { name: 'b' });

    const aliceList = await fx.call(alice, 'GET', '/api/v1/workflows');
    expect(aliceList.body.items.map((w: { user: string }) => w.user)).toEqual(['alice']);
    expect(aliceList.body.total).toBe(1);
    const adminList = await fx.call(ADMIN_ENV_TOKEN, 'GET', '/api/v1/workflows');
    expect(adminList.body.total).toBe(2);
    expect((await fx.call(bob, 'POST', `/api/v1/workflows/${created.body._key}/cancel`)).status).toBe(403);
    // By name as by key: the owner may, another user may not.
    expect((await fx.call(alice, 'GET', '/api/v1/workflows/w/status')).status).toBe(200);
    expect((await fx.call(bob, 'GET', '/api/v1/workflows/w/status')).status).toBe(403);
  });

  it('shares a workflow through an access group: members read (or change) it, never delete it', async () => {
    const wf = await fx.workflowOf('alice');
    const alice = await fx.token('alice', 'user');
    const bob = await fx.token('bob', 'user');
    expect(
      (await fx.call(ADMIN_ENV_TOKEN, 'POST', '/api/v1/access-groups', { name: 'physics', members: ['bob'] })).status,
    ).toBe(201);
    expect((await fx.call(bob, 'GET', `/api/v1/workflows/${wf}`)).status).toBe(403);
    // Only the owner shares.
    expect(
      (await fx.call(bob, 'PUT', `/api/v1/workflows/${wf}/access-groups/physics`, { access: 'write' })).status,
    ).toBe(403);
    expect(
      (await fx.call(alice, 'PUT', `/api/v1/workflows/${wf}/access-groups/physics`, { access: 'read' })).status,
    ).toBe(200);
    expect((await fx.call(bob, 'GET', `/api/v1/workflows/${wf}`)).status).toBe(200);
    expect((await fx.call(bob, 'GET', '/api/v1/workflows')).body.items.map((w: { _key: string }) => w._key)).toEqual([
      wf,
    ]);
    expect((await fx.call(bob, 'POST', `/api/v1/workflows/${wf}/start`)).status).toBe(403);
    await fx.call(alice, 'PUT', `/api/v1/workflows/${wf}/access-groups/physics`, { access: 'write' });
    expect((await fx.call(bob, 'POST', `/api/v1/workflows/${wf}/start`)).status).toBe(200);
    expect((await fx.call(bob, 'DELETE', `/api/v1/workflows/${wf}`)).status).toBe(403);
    await fx.call(alice, 'DELETE', `/api/v1/workflows/${wf}/access-groups/physics`);
    expect((await fx.call(bob, 'GET', `/api/v1/workflows/${wf}`)).status).toBe(403);
  });
});

describe('audit', () => {
  it('records who made each change in an event of the workflow', async () => {
    const alice = await fx.token('alice', 'user');
    const created = await fx.call(alice, 'POST', '/api/v1/workflows', {
      name: 'w',
      jobs: [{ name: 'a', command: 'true' }],
    });
    const wf = created.body._key as string;
    await fx.call(alice, 'POST', `/api/v1/workflows/${wf}/start`);
    await fx.call(alice, 'POST', `/api/v1/workflows/${wf}/cancel`, {});
    // A refused change (the job is not `uninitialized` after start) leaves no event: it rolled back.
    const [job] = (await fx.store.listDocuments(wf, 'jobs', {})).items;
    expect((await fx.call(alice, 'PATCH', `/api/v1/workflows/${wf}/jobs/${job!._key}`, { attempt: 5 })).status).toBe(
      422,
    );
    const events = await fx.store.listDocuments(wf, 'events', { filter: { type: 'request' } });
    // Written in the change's transaction, so without the response status (a committed change is a success).
    expect(events.items.map((e) => [e.user, e.role, e.method, e.path])).toEqual([
      ['alice', 'user', 'POST', '/api/v1/workflows'],
      ['alice', 'user', 'POST', `/api/v1/workflows/${wf}/start`],
      ['alice', 'user', 'POST', `/api/v1/workflows/${wf}/cancel`],
    ]);
  });
});

describe('browser sign-in', () => {
  it('keeps a valid token in an HttpOnly SameSite=Strict cookie that opens /queues to admins only', async () => {
    const board = createAuthFixture({ dashboard: true });
    try {
      const login = await board.app.request('/login');
      expect(login.status).toBe(200);
      expect(login.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(login.headers.get('x-content-type-options')).toBe('nosniff');
      const form = (token: string) =>
        board.app.request('/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, next: '/queues' }).toString(),
        });
      expect((await form('jg_wrong')).status).toBe(401);
      const ok = await form(ADMIN_ENV_TOKEN);
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/queues');
      const cookie = ok.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const asAdmin = await board.app.request('/queues', { headers: { cookie: cookie.split(';')[0]! } });
      expect(asAdmin.status).toBe(200);
      const user = await board.token('alice', 'user');
      expect((await board.app.request('/queues', { headers: { cookie: `jobgraph_token=${user}` } })).status).toBe(403);
      expect((await board.app.request('/queues')).status).toBe(401);
    } finally {
      await board.close();
    }
  });
});
