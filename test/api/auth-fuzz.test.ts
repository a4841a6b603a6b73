/**
 * The fuzz test of issue 15: the seeded malformed and hostile requests of
 * test/support/hostile-requests.ts (every operation of the OpenAPI document, plus hostile
 * specs and stray paths), each sent twice to an API with auth on — once with a valid token
 * (admin, owner, another user, reader or a scoped worker, chosen by the seed) and once
 * without one that works (none, garbage, revoked, expired) — plus oversized bodies with each
 * kind of caller. Every answer is a 4xx problem+json with no stack trace or file path, none
 * is 5xx, and the store (workflows, their documents, tokens, access groups) is unchanged.
 * Requests Node's HTTP parser refuses (`raw`) need a socket: test/e2e/hostile-requests.test.ts
 * sends those to a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_COLLECTIONS } from '../../src/core/model.js';
import { hashToken } from '../../src/core/tokens.js';
import {
  hostileRequests,
  seededRandom,
  type HostileRequest,
  type OpenApiDocument,
} from '../support/hostile-requests.js';
import { BASE_SPEC } from '../support/hostile-specs.js';
import { ADMIN_ENV_TOKEN, createAuthFixture, type AuthFixture } from './auth-fixture.js';

const SEED = 20_261_201;
const MAX_BODY = 256 * 1024;
/** Under the body limit, so that over-long strings are refused for their length (422), not the body's size. */
const MAX_STRING = 192 * 1024;

/** What must never be in an error body: a stack frame, a source location, a path of this machine. */
const LEAKS = [
  /\n\s+at\s/,
  /\.[cm]?[jt]s:\d+:\d+/,
  /node_modules/,
  /file:\/\//,
  new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
];

let fx: AuthFixture;
let keys: string[];
const valid: Record<string, string> = {};
const invalid: Record<string, string | undefined> = {};

/** Workflows with every collection, tokens and access groups: everything a request could change. */
async function dump(): Promise<string> {
  const out: unknown[] = [];
  for (const w of (await fx.store.listWorkflows({ limit: 1000 })).items) {
    out.push(w);
    for (const c of WORKFLOW_COLLECTIONS) out.push((await fx.store.listDocuments(w._key, c, { limit: 10_000 })).items);
  }
  out.push(await fx.store.listTokens(), await fx.store.listAccessGroups());
  return JSON.stringify(out);
}

interface Outcome {
  who: string;
  request: HostileRequest;
  status: number;
  contentType: string;
  body: string;
}

async function send(who: string, token: string | undefined, request: HostileRequest): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  const res = await fx.app.request(request.path, {
    method: request.method.toUpperCase(),
    headers,
    ...(request.body !== undefined && {
      body: typeof request.body === 'string' ? request.body : new Uint8Array(request.body),
    }),
  });
  return {
    who,
    request,
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body: await res.text(),
  };
}

/** Why `o` is a wrong answer, or undefined when it is a clean 4xx problem. */
function wrong(o: Outcome): string | undefined {
  if (o.status < 400 || o.status > 499) return `status ${o.status}`;
  if (!o.contentType.includes('application/problem+json')) return `content-type ${o.contentType}`;
  const leak = LEAKS.find((re) => re.test(o.body));
  if (leak) return `leaks ${leak}`;
  try {
    const p = JSON.parse(o.body) as { status?: unknown; code?: unknown; detail?: unknown };
    if (p.status !== o.status || typeof p.code !== 'string' || typeof p.detail !== 'string') return 'not a problem';
  } catch {
    return 'body is not JSON';
  }
  return undefined;
}

describe('fuzz: hostile requests with and without valid tokens', { timeout: 600_000 }, () => {
  let requests: HostileRequest[];
  let before: string;

  beforeAll(async () => {
    fx = createAuthFixture({ limits: { maxBodyBytes: MAX_BODY, maxJobs: 1000, maxStringBytes: MAX_STRING } });
    const admin = (method: string, path: string, body?: unknown) => fx.call(ADMIN_ENV_TOKEN, method, path, body);
    const wf = await admin('POST', '/api/v1/workflows', { ...BASE_SPEC, user: 'alice' });
    expect(wf.status, wf.text).toBe(201);
    const other = await admin('POST', '/api/v1/workflows', {
      name: 'other',
      user: 'bob',
      jobs: [{ name: 'o', command: 'true' }],
    });
    expect(other.status, other.text).toBe(201);
    keys = [wf.body._key, other.body._key];
    for (const [collection, body] of [
      ['results', { job: 'x', attempt: 1, return_code: 0 }],
      ['compute_nodes', { hostname: 'h' }],
      ['allocations', { scheduler: 'sl' }],
      ['events', { type: 'note' }],
    ] as const)
      expect((await admin('POST', `/api/v1/workflows/${keys[0]}/${collection}`, body)).status).toBe(201);
    const ids: Record<string, string> = {};
    for (const collection of WORKFLOW_COLLECTIONS)
      ids[collection] = (await admin('GET', `/api/v1/workflows/${keys[0]}/${collection}?limit=1`)).body.items[0]._id;
    const otherJob = (await admin('GET', `/api/v1/workflows/${keys[1]}/jobs?limit=1`)).body.items[0]._id;
    expect((await admin('POST', '/api/v1/access-groups', { name: 'physics', members: ['bob'] })).status).toBe(201);

    valid.admin = ADMIN_ENV_TOKEN;
    valid.owner = await fx.token('alice', 'user');
    valid.otherUser = await fx.token('bob', 'user');
    valid.reader = await fx.token('rita', 'reader');
    valid.worker = await fx.token('alice', 'worker', { workflows: [keys[0]!] });
    invalid.anonymous = undefined;
    invalid.garbage = 'jg_' + 'x'.repeat(43);
    const revoked = await fx.token('alice', 'user');
    // Found by its hash: alice has other tokens, and listings are not in creation order.
    const revokedKey = (await fx.store.findTokenByHash(hashToken(revoked)))!._key;
    await fx.store.revokeToken(revokedKey, new Date().toISOString());
    invalid.revoked = revoked;
    invalid.expired = await fx.token('alice', 'user', { expiresInS: 1 });

    const doc = (await (await fx.app.request('/openapi.json')).json()) as OpenApiDocument;
    // Raw requests (malformed HTTP) need a socket; the e2e hostile test sends them.
    requests = hostileRequests(
      doc,
      { wf: keys[0]!, other: keys[1]!, ids, otherJob },
      SEED,
      MAX_BODY,
      MAX_STRING,
    ).filter((r) => !r.raw);
    before = await dump();
  });
  afterAll(async () => fx?.close());

  it('answers every one 4xx problem+json, never 5xx, without stack or path, and changes nothing', async () => {
    // The expired token is dead before it is used.
    await expect
      .poll(async () => (await fx.call(invalid.expired, 'GET', '/api/v1/whoami')).status, {
        timeout: 10_000,
        interval: 250,
      })
      .toBe(401);
    const random = seededRandom(SEED);
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
    const outcomes: Outcome[] = [];
    const started = performance.now();
    for (const request of requests) {
      const who = pick(Object.keys(valid));
      outcomes.push(await send(who, valid[who], request));
      const stranger = pick(Object.keys(invalid));
      outcomes.push(await send(stranger, invalid[stranger], request));
    }
    // Oversized bodies on every route that takes one, from every kind of caller.
    const big = JSON.stringify({ name: 'x', pad: 'y'.repeat(MAX_BODY) });
    for (const who of [...Object.keys(valid), ...Object.keys(invalid)])
      for (const path of [
        '/api/v1/workflows',
        `/api/v1/workflows/${keys[0]}/events`,
        '/api/v1/attempts/start',
        '/api/v1/tokens',
      ])
        outcomes.push(
          await send(who, valid[who] ?? invalid[who], {
            kind: 'body.oversized',
            what: `${path} > limit`,
            method: 'post',
            path,
            body: big,
            contentType: 'application/json',
          }),
        );
    const seconds = (performance.now() - started) / 1000;

    const tally = new Map<number, number>();
    for (const o of outcomes) tally.set(o.status, (tally.get(o.status) ?? 0) + 1);
    console.log(
      `auth fuzz: ${outcomes.length} requests (${requests.length} hostile × 2 callers + oversized) in ${seconds.toFixed(1)} s, seed ${SEED}: ` +
        [...tally]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${n}× ${s}`)
          .join(', '),
    );
    expect(outcomes.length).toBeGreaterThanOrEqual(2000);
    expect(
      outcomes.flatMap((o) => {
        const why = wrong(o);
        return why
          ? [
              `${why}: ${o.who} ${o.request.method} ${o.request.path.slice(0, 80)} ${o.request.what.slice(0, 80)}: ${o.body.slice(0, 160)}`,
            ]
          : [];
      }),
    ).toEqual([]);
    // Anonymous and dead tokens learn nothing about a route: 401 before anything else.
    for (const o of outcomes.filter((o) => o.who in invalid)) expect(o.status, `${o.who} ${o.request.path}`).toBe(401);
    // The oversized bodies of signed-in callers are refused for their size.
    for (const o of outcomes.filter((o) => o.request.kind === 'body.oversized' && o.who in valid))
      expect([403, 413], `${o.who} ${o.request.path}: ${o.status}`).toContain(o.status);
    expect(await dump()).toEqual(before);
  });
});
