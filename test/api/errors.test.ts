/** Bad input of every kind is a 4xx problem naming what is wrong, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFixture, type ApiFixture, type ApiResponse } from './api-fixture.js';

let api: ApiFixture;
let wf: string;
let job: { _key: string; _id: string };
beforeAll(async () => {
  api = createApiFixture();
  wf = (await api.call('POST', '/api/v1/workflows', { name: 'errors' })).body._key;
  job = (await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'j', command: 'true' })).body;
});
afterAll(async () => api.close());

function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.contentType).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
  expect(res.body.type).toBe(`urn:jobgraph:problem:${code}`);
}

const paths = (res: ApiResponse) => (res.body.issues as Array<{ path: string }>).map((i) => i.path);

describe('problem responses', () => {
  it('edge to a vertex that does not exist → 422 naming _to', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/edges/needs`, { _from: job._id, _to: 'files/nope' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.detail).toContain('_to');
  });

  it('edge between the wrong collections → 422', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/edges/needs`, { _from: job._id, _to: job._id });
    expectProblem(res, 422, 'validation_failed');
  });

  it('edge without _from → 422 naming _from', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/edges/blocks`, { _to: job._id });
    expectProblem(res, 422, 'validation_failed');
    expect(paths(res)).toEqual(['_from']);
  });

  it('a job without command → 422 naming command', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'x' });
    expectProblem(res, 422, 'validation_failed');
    expect(paths(res)).toEqual(['command']);
  });

  it('a body that is a JSON array, not an object → 422', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/files`, [1, 2]);
    expectProblem(res, 422, 'validation_failed');
  });

  it('unknown collection → 404 naming it', async () => {
    for (const [method, path] of [
      ['GET', `/api/v1/workflows/${wf}/widgets`],
      ['POST', `/api/v1/workflows/${wf}/widgets`],
      ['GET', `/api/v1/workflows/${wf}/widgets/k1`],
      ['PATCH', `/api/v1/workflows/${wf}/widgets/k1`],
    ] as const) {
      const res = await api.call(method, path, method === 'GET' ? undefined : { a: 1 });
      expectProblem(res, 404, 'not_found');
      expect(res.body.detail, `${method} ${path}`).toContain('widgets');
    }
    const edge = await api.call('GET', `/api/v1/workflows/${wf}/edges/likes`);
    expectProblem(edge, 404, 'not_found');
    expect(edge.body.detail).toContain('likes');
  });

  it('unknown workflow in Direct mode → 404', async () => {
    expectProblem(await api.call('GET', '/api/v1/workflows/nope/jobs'), 404, 'not_found');
    expectProblem(await api.call('POST', '/api/v1/workflows/nope/jobs', { name: 'a', command: 'b' }), 404, 'not_found');
    expectProblem(await api.call('GET', '/api/v1/workflows/nope/edges/blocks'), 404, 'not_found');
  });

  it('a document of another workflow → 404', async () => {
    const other = (await api.call('POST', '/api/v1/workflows', { name: 'other' })).body._key as string;
    expectProblem(await api.call('GET', `/api/v1/workflows/${other}/jobs/${job._key}`), 404, 'not_found');
  });

  it('bad paging parameters → 422 naming them', async () => {
    const res = await api.call('GET', '/api/v1/workflows?limit=-5&offset=x');
    expectProblem(res, 422, 'validation_failed');
    expect(paths(res).sort()).toEqual(['limit', 'offset']);
  });

  it('bad status filter → 422 naming status', async () => {
    const res = await api.call('GET', `/api/v1/workflows/${wf}/jobs?status=sleeping`);
    expectProblem(res, 422, 'validation_failed');
    expect(paths(res)).toEqual(['status']);
  });

  it('malformed JSON → 400', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, '{"name": "a",', 'application/json');
    expectProblem(res, 400, 'validation_failed');
    const spec = await api.call('POST', '/api/v1/workflows', 'not json at all', 'application/json');
    expectProblem(spec, 400, 'validation_failed');
  });

  it('a non-JSON body → 415', async () => {
    const res = await api.call(
      'POST',
      `/api/v1/workflows/${wf}/jobs`,
      'name=a&command=b',
      'application/x-www-form-urlencoded',
    );
    expectProblem(res, 415, 'validation_failed');
    const text = await api.call('POST', '/api/v1/attempts/complete', 'hello', 'text/plain');
    expectProblem(text, 415, 'validation_failed');
  });

  it('a missing body → 422', async () => {
    const res = await api.call('POST', `/api/v1/workflows/${wf}/jobs`);
    expectProblem(res, 422, 'validation_failed');
  });

  it('bad worker-protocol bodies → 422 naming the field', async () => {
    const start = await api.call('POST', '/api/v1/attempts/start', { worker: { worker_id: 'w' }, attempts: [] });
    expectProblem(start, 422, 'validation_failed');
    expect(paths(start)).toEqual(expect.arrayContaining(['worker.hostname', 'attempts']));
    const complete = await api.call('POST', '/api/v1/attempts/complete', {
      results: [{ workflow: wf, job: job._key, attempt: 1, status: 'exploded' }],
    });
    expectProblem(complete, 422, 'validation_failed');
    expect(paths(complete)).toContain('results[0].status');
    const register = await api.call('POST', '/api/v1/workers', { hostname: 'h', pid: 1, num_cpus: 0, memory_bytes: 1 });
    expect(paths(register)).toEqual(['num_cpus']);
  });

  it('attempts on unknown jobs are refused per item, not as errors', async () => {
    const res = await api.call('POST', '/api/v1/attempts/start', {
      worker: { worker_id: 'w', hostname: 'h', pid: 1, num_cpus: 1, memory_bytes: 1, num_gpus: 0 },
      attempts: [{ workflow: wf, job: 'nope', attempt: 1 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.outcomes[0].ok).toBe(false);
  });

  // Jobs are addressed by name too (a name may hold any character): keys of other documents stay strict.
  it('an invalid key in the path → 422', async () => {
    const res = await api.call('GET', `/api/v1/workflows/${wf}/files/${encodeURIComponent('a b')}`);
    expectProblem(res, 422, 'validation_failed');
    expect(paths(res)).toEqual(['key']);
  });
});

describe('unexpected failures', () => {
  it('become a 500 problem without internals', async () => {
    const broken = createApiFixture();
    // A bug, not a mapped driver failure: the error carries internals that must not leak.
    broken.store.listWorkflows = async () => {
      throw new TypeError('cannot read properties of undefined (sqlite database row at /srv/graph.sqlite)');
    };
    try {
      const res = await broken.call('GET', '/api/v1/workflows');
      expectProblem(res, 500, 'internal');
      expect(res.text).not.toMatch(/sqlite|database|stack/i);
    } finally {
      await broken.close();
    }
  });

  it('a store that is gone is a 503 problem', async () => {
    const closed = createApiFixture();
    await closed.store.close();
    try {
      expectProblem(await closed.call('GET', '/api/v1/workflows'), 503, 'service_unavailable');
    } finally {
      await closed.close();
    }
  });
});
