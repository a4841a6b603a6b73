/**
 * Hostile input that used to get through (issue 9, item 8): each is answered with a 4xx
 * problem naming what is wrong, quickly, and changes nothing in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROBLEM_ISSUES } from '../../src/api/problem.js';
import { createApiFixture, TEST_WORKER, type ApiFixture, type ApiResponse } from './api-fixture.js';

const LIMIT = 256 * 1024;
let api: ApiFixture;
let small: ApiFixture;
let wf: string;

beforeAll(async () => {
  api = createApiFixture();
  small = createApiFixture({ limits: { maxBodyBytes: LIMIT, maxJobs: 1000 } });
  wf = (await api.call('POST', '/api/v1/workflows', { name: 'hostile' })).body._key;
});
afterAll(async () => {
  await api.close();
  await small.close();
});

function expectProblem(res: ApiResponse, status: number, path?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code: 'validation_failed', detail: expect.any(String) });
  if (path === undefined) return;
  const paths = (res.body.issues as Array<{ path: string }>).map((i) => i.path);
  expect(
    paths.some((p) => (typeof path === 'string' ? p === path : path.test(p))),
    `${path} in ${paths.join(', ')}`,
  ).toBe(true);
}

/** Everything a workflow holds, to assert that a refused request changed nothing. */
async function snapshot(fixture: ApiFixture): Promise<string> {
  const out: unknown[] = [];
  for (const w of (await fixture.store.listWorkflows({ limit: 1000 })).items) {
    out.push(w);
    for (const c of ['jobs', 'files', 'user_data', 'resource_requirements', 'events'] as const)
      out.push((await fixture.store.listDocuments(w._key, c, { limit: 10_000 })).items);
  }
  return JSON.stringify(out);
}

/** `{"a":{"a":…}}` with `levels` objects. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('hostile input', () => {
  it('answers a malformed escape in a path segment with a 404 naming it, not a 500', async () => {
    for (const segment of ['%FF', 'edges/%FF', '%E0%A4%A'])
      for (const method of ['GET', 'POST']) {
        const res = await api.call(method, `/api/v1/workflows/${wf}/${segment}`, method === 'POST' ? {} : undefined);
        expect(res.status, `${method} ${segment}: ${res.text}`).toBe(404);
        expect(res.contentType).toContain('application/problem+json');
        expect(res.body.detail).toContain(segment.replace('edges/', ''));
      }
  });

  it('refuses a body over the limit with 413, declared or streamed, without reading it whole', async () => {
    const before = await snapshot(small);
    const body = `{"name":"big","jobs":[${'1,'.repeat(LIMIT)}1]}`;
    expectProblem(await small.call('POST', '/api/v1/workflows', body), 413, '(body)');
    // No Content-Length: the body is counted as it streams.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 100 * LIMIT) return controller.close(); // far more than is ever read
        sent += 64 * 1024;
        controller.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
      },
    });
    const res = await small.app.request('/api/v1/workflows', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(sent).toBeLessThan(4 * LIMIT);
    expect(await snapshot(small)).toBe(before);
  });

  it('refuses invalid UTF-8 and malformed JSON with 400 naming the body', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"name":"caf'),
      0xe9,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await api.app.request('/api/v1/workflows', {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ issues: [{ path: '(body)', message: 'is not valid UTF-8' }] });
    expectProblem(await api.call('POST', '/api/v1/workflows', '{"name": "x",'), 400, '(body)');
  });

  it('refuses bodies nested deeper than 64 levels, naming the path (10,000 levels was a 500)', async () => {
    const deep = `{"name":"d","user_data":[{"name":"u","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`;
    expectProblem(await api.call('POST', '/api/v1/workflows', deep), 422, /^user_data\[0\]\.data(\[0\])+$/);
    const job = { name: 'j', command: 'true', extra: nested(1500) };
    const before = await snapshot(api);
    expectProblem(await api.call('POST', `/api/v1/workflows/${wf}/jobs`, job), 422, /^extra(\.a)+$/);
    expect(await snapshot(api)).toBe(before);
  });

  it('still starts a workflow whose Direct-mode job holds the deepest document accepted', async () => {
    const key = (await api.call('POST', '/api/v1/workflows', { name: 'deep' })).body._key;
    const res = await api.call('POST', `/api/v1/workflows/${key}/jobs`, { name: 'j', command: 'true', x: nested(62) });
    expect(res.status, res.text).toBe(201);
    expect((await api.call('POST', `/api/v1/workflows/${key}/start`)).status).toBe(200);
  });

  it('refuses __proto__ keys like any other unknown key', async () => {
    expectProblem(
      await api.call('POST', '/api/v1/workflows', '{"__proto__": {"jobs": []}, "name": "x"}'),
      422,
      '(root)',
    );
    expectProblem(
      await api.call('POST', `/api/v1/workflows/${wf}/jobs`, '{"name": "j", "command": "x", "__proto__": {"a": 1}}'),
      422,
    );
  });

  it('refuses NUL characters in what becomes argv, environment or paths', async () => {
    const before = await snapshot(api);
    expectProblem(
      await api.call('POST', '/api/v1/workflows', { name: 'n', jobs: [{ name: 'a\u0000', command: 'true' }] }),
      422,
      'jobs[0].name',
    );
    expectProblem(
      await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'j', command: 'echo \u0000' }),
      422,
      'command',
    );
    expectProblem(
      await api.call('POST', `/api/v1/workflows/${wf}/files`, { name: 'f', path: 'a\u0000b' }),
      422,
      'path',
    );
    expect(await snapshot(api)).toBe(before);
    // Free-form user data and events may hold one: no process sees them.
    const ud = await api.call('POST', `/api/v1/workflows/${wf}/user_data`, { name: 'u', data: 'a\u0000b' });
    expect(ud.status, ud.text).toBe(201);
  });

  it('refuses memory sizes and runtimes too large to hold (they were stored as null)', async () => {
    const huge = '1' + '0'.repeat(400);
    const spec = { name: 'o', resource_requirements: [{ name: 'r', memory: `${huge}g`, runtime: `${huge}h` }] };
    const res = await api.call('POST', '/api/v1/workflows', spec);
    expectProblem(res, 422, 'resource_requirements[0].memory');
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain('resource_requirements[0].runtime');
    expectProblem(
      await api.call('POST', `/api/v1/workflows/${wf}/resource_requirements`, { name: 'r', memory: 1e300 }),
      422,
      'memory',
    );
    expectProblem(
      await api.call('POST', `/api/v1/workflows/${wf}/resource_requirements`, { name: 'r', runtime: `${huge}s` }),
      422,
      'runtime',
    );
  });

  it('refuses expansions and regexes that would hold the API for minutes, in well under a second', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [
        { name: 's', jobs: [{ name: 'j{i}', command: 'x', parameters: { i: '1:1000000' }, depends_on: ['ghost'] }] },
        'jobs[0].depends_on[0]',
        /no job named "ghost"/,
      ],
      [
        { name: 's', jobs: [{ name: 'j{i}_{k}', command: 'x', parameters: { i: '1:3000', k: '1:3000' } }] },
        'jobs[0].parameters',
        /9,000,000 jobs/,
      ],
      [
        {
          name: 'r',
          jobs: [
            { name: `${'a'.repeat(30)}!`, command: 'x' },
            { name: 'b', command: 'y', depends_on_regexes: ['(a+)+$'] },
          ],
        },
        'jobs[1].depends_on_regexes[0]',
        /matches no job/,
      ],
    ];
    for (const [spec, path, message] of cases) {
      const started = performance.now();
      const res = await api.call('POST', '/api/v1/workflows', spec);
      expect(performance.now() - started, path).toBeLessThan(2000);
      expectProblem(res, 422, path);
      expect(res.body.issues.find((i: { path: string }) => i.path === path).message).toMatch(message);
    }
  });

  it('caps the expansion at JOBGRAPH_MAX_JOBS', async () => {
    const res = await small.call('POST', '/api/v1/workflows', {
      name: 'c',
      jobs: [{ name: 'j{i}', command: 'x', parameters: { i: '1:1001' } }],
    });
    expectProblem(res, 422, 'jobs[0].parameters');
    expect(res.body.detail).toMatch(/1,001 jobs \(i: 1,001\); at most 1,000 are allowed \(JOBGRAPH_MAX_JOBS\)/);
    const ok = await small.call('POST', '/api/v1/workflows', {
      name: 'c',
      jobs: [{ name: 'j{i}', command: 'x', parameters: { i: '1:1000' } }],
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('answers a million wrong items with a few issues, quickly', async () => {
    const started = performance.now();
    const spec = await api.call('POST', '/api/v1/workflows', `{"name":"m","jobs":[${'1,'.repeat(1_000_000)}1]}`);
    expectProblem(spec, 422, 'jobs[0]');
    expect(spec.body.issues.length).toBeLessThanOrEqual(MAX_PROBLEM_ISSUES + 1);
    const restart = await api.call('POST', `/api/v1/workflows/${wf}/restart`, `{"jobs":[${'7,'.repeat(900_000)}7]}`);
    expectProblem(restart, 422, 'jobs');
    expect(restart.body.issues).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('worker batches under the default body limit', () => {
  it('starts and completes 10,000 attempts in one batch each', { timeout: 120_000 }, async () => {
    const created = await api.call('POST', '/api/v1/workflows', {
      name: 'batch',
      jobs: [{ name: 'job_{i:05d}', command: 'echo {i} > /tmp/out_{i}.txt', parameters: { i: '1:10000' } }],
    });
    expect(created.status, created.text).toBe(201);
    const key = created.body._key as string;
    expect((await api.call('POST', `/api/v1/workflows/${key}/start`)).status).toBe(200);
    const claimed = await api.store.claimReady(10_000, key);
    expect(claimed).toHaveLength(10_000);
    const start = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: claimed.map((c) => ({ workflow: key, job: c.job, attempt: c.attempt })),
    });
    expect(start.status, start.text.slice(0, 500)).toBe(200);
    expect(start.body.outcomes.every((o: { ok: boolean }) => o.ok)).toBe(true);
    const results = claimed.map((c, i) => ({
      workflow: key,
      job: c.job,
      attempt: c.attempt,
      status: 'completed',
      return_code: 0,
      exec_time_s: 1.25,
      completion_time: new Date().toISOString(),
      compute_node: start.body.outcomes[i].compute_node,
      stdout_path: `/scratch/project/.jobgraph/logs/${key}/${c.job}.a1.out`,
      stderr_path: `/scratch/project/.jobgraph/logs/${key}/${c.job}.a1.err`,
      message: 'completed',
      inputs: { files: { [`${key}-f${i}`]: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
    }));
    const body = JSON.stringify({ results });
    // A realistic batch is a few megabytes: the 64 MiB default leaves room many times over.
    expect(body.length).toBeLessThan(8 * 1024 ** 2);
    const done = await api.call('POST', '/api/v1/attempts/complete', body);
    expect(done.status, done.text.slice(0, 500)).toBe(200);
    expect(done.body.outcomes.filter((o: { ok: boolean }) => o.ok)).toHaveLength(10_000);
  });
});
