import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_COLLECTIONS, WORKFLOW_COLLECTIONS } from '../../src/core/model.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

async function emptyWorkflow(): Promise<string> {
  const res = await api.call('POST', '/api/v1/workflows', { name: 'direct' });
  expect(res.status, res.text).toBe(201);
  return res.body._key as string;
}

async function post(wf: string, collection: string, body: Record<string, unknown>) {
  const res = await api.call('POST', `/api/v1/workflows/${wf}/${collection}`, body);
  expect(res.status, res.text).toBe(201);
  return res.body as { _key: string; _id: string } & Record<string, unknown>;
}

describe('Direct mode', () => {
  it('builds a workflow from vertices and edges, and starting it unblocks the right jobs', async () => {
    const wf = await emptyWorkflow();
    const producer = await post(wf, 'jobs', { name: 'produce', command: 'echo > f' });
    const consumer = await post(wf, 'jobs', { name: 'consume', command: 'cat f' });
    const loner = await post(wf, 'jobs', { name: 'alone', command: 'true' });
    const file = await post(wf, 'files', { name: 'f', path: '/tmp/f' });
    expect(producer).toMatchObject({
      workflow: wf,
      status: 'uninitialized',
      attempt: 1,
      unfinished_blockers: 0,
      cancel_on_blocking_job_failure: false,
      supports_termination: false,
    });
    expect(producer._id).toBe(`jobs/${producer._key}`);

    const produces = await api.call('POST', `/api/v1/workflows/${wf}/edges/produces`, {
      _from: producer._id,
      _to: file._id,
    });
    expect(produces.status, produces.text).toBe(201);
    expect(produces.body).toMatchObject({ _from: producer._id, _to: file._id, workflow: wf });
    expect(produces.body._id).toMatch(/^produces\//);
    const needs = await api.call('POST', `/api/v1/workflows/${wf}/edges/needs`, { _from: consumer._id, _to: file._id });
    expect(needs.status, needs.text).toBe(201);

    const listed = await api.call(
      'GET',
      `/api/v1/workflows/${wf}/edges/needs?_from=${encodeURIComponent(consumer._id)}`,
    );
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0]._to).toBe(file._id);

    const start = await api.call('POST', `/api/v1/workflows/${wf}/start`);
    expect(start.status, start.text).toBe(200);
    expect(start.body).toMatchObject({ ready: 2, blocked: 1, derived_blocks: 1 });

    const status = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(status.body.counts).toMatchObject({ ready: 2, blocked: 1 });
    const ready = await api.call('GET', `/api/v1/workflows/${wf}/jobs?status=ready`);
    expect(ready.body.items.map((j: { _key: string }) => j._key).sort()).toEqual([producer._key, loner._key].sort());
    const blocked = await api.call('GET', `/api/v1/workflows/${wf}/jobs?status=blocked`);
    expect(blocked.body.items).toEqual([expect.objectContaining({ _key: consumer._key, unfinished_blockers: 1 })]);
    const blocks = await api.call('GET', `/api/v1/workflows/${wf}/edges/blocks`);
    expect(blocks.body.items).toEqual([expect.objectContaining({ _from: producer._id, _to: consumer._id })]);
  });

  it('gets, patches and deletes a document', async () => {
    const wf = await emptyWorkflow();
    const job = await post(wf, 'jobs', { name: 'j', command: 'true', extra: { kept: [1, 2] } });
    const got = await api.call('GET', `/api/v1/workflows/${wf}/jobs/${job._key}`);
    expect(got.status).toBe(200);
    expect(got.body.extra).toEqual({ kept: [1, 2] });

    const patched = await api.call('PATCH', `/api/v1/workflows/${wf}/jobs/${job._key}`, {
      command: 'false',
      note: 'x',
    });
    expect(patched.status, patched.text).toBe(200);
    // The patch changes what it names and nothing else (no defaults re-applied).
    expect(patched.body).toMatchObject({
      command: 'false',
      note: 'x',
      name: 'j',
      status: 'uninitialized',
      extra: { kept: [1, 2] },
    });

    const badPatch = await api.call('PATCH', `/api/v1/workflows/${wf}/jobs/${job._key}`, { status: 'sleeping' });
    expect(badPatch.status).toBe(422);
    expect(badPatch.body.issues[0].path).toBe('status');

    expect((await api.call('DELETE', `/api/v1/workflows/${wf}/jobs/${job._key}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/workflows/${wf}/jobs/${job._key}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/workflows/${wf}/jobs/${job._key}`)).status).toBe(404);
    expect((await api.call('PATCH', `/api/v1/workflows/${wf}/jobs/${job._key}`, { name: 'x' })).status).toBe(404);
  });

  it('keeps a given _key and answers 409 for a duplicate', async () => {
    const wf = await emptyWorkflow();
    const file = await post(wf, 'files', { _key: `${wf}-myfile`, name: 'f', path: '/p' });
    expect(file._key).toBe(`${wf}-myfile`);
    const dup = await api.call('POST', `/api/v1/workflows/${wf}/files`, {
      _key: `${wf}-myfile`,
      name: 'f',
      path: '/p',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('conflict');
  });

  it('parses resource units and names a bad unit', async () => {
    const wf = await emptyWorkflow();
    const rr = await post(wf, 'resource_requirements', { name: 'big', num_cpus: 8, memory: '2g', runtime: '1h30m' });
    expect(rr).toMatchObject({
      num_cpus: 8,
      memory: '2g',
      memory_bytes: 2 * 1024 ** 3,
      runtime_s: 5400,
      num_gpus: 0,
      num_nodes: 1,
    });
    const defaults = await post(wf, 'resource_requirements', { name: 'small' });
    expect(defaults).toMatchObject({ num_cpus: 1, memory_bytes: 1024 ** 3, runtime_s: 3600 });

    const patched = await api.call('PATCH', `/api/v1/workflows/${wf}/resource_requirements/${rr._key}`, {
      memory: '512m',
    });
    expect(patched.body).toMatchObject({ memory: '512m', memory_bytes: 512 * 1024 ** 2, num_cpus: 8 });

    const bad = await api.call('POST', `/api/v1/workflows/${wf}/resource_requirements`, {
      name: 'bad',
      memory: '2 parsecs',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['memory']);
    const badRuntime = await api.call('POST', `/api/v1/workflows/${wf}/resource_requirements`, {
      name: 'bad',
      runtime: 'soon',
    });
    expect(badRuntime.body.issues.map((i: { path: string }) => i.path)).toEqual(['runtime']);
  });

  it('stores user data and user events with any JSON', async () => {
    const wf = await emptyWorkflow();
    const ud = await post(wf, 'user_data', { name: 'params', data: { alpha: [1, 2, { b: null }] } });
    expect(ud.data).toEqual({ alpha: [1, 2, { b: null }] });

    const event = await post(wf, 'events', { message: 'hello', nested: { n: 1 }, source: 'system' });
    expect(event).toMatchObject({ workflow: wf, source: 'user', type: 'user', message: 'hello', nested: { n: 1 } });
    expect(typeof event.timestamp).toBe('string');
    const typed = await post(wf, 'events', { type: 'checkpoint' });
    expect(typed.type).toBe('checkpoint');
    const listed = await api.call('GET', `/api/v1/workflows/${wf}/events?type=checkpoint`);
    expect(listed.body.items.map((e: { _key: string }) => e._key)).toEqual([typed._key]);
  });

  it('lists with paging and validates the page parameters', async () => {
    const wf = await emptyWorkflow();
    for (let i = 0; i < 5; i++) await post(wf, 'files', { name: `f${i}`, path: `/p/${i}` });
    const page = await api.call('GET', `/api/v1/workflows/${wf}/files?offset=2&limit=2`);
    expect(page.body).toMatchObject({ total: 5, offset: 2, limit: 2 });
    expect(page.body.items).toHaveLength(2);
    const byName = await api.call('GET', `/api/v1/workflows/${wf}/files?name=f3`);
    expect(byName.body.items.map((f: { path: string }) => f.path)).toEqual(['/p/3']);

    for (const query of ['limit=0', 'limit=10001', 'limit=abc', 'offset=-1', 'offset=1.5']) {
      const res = await api.call('GET', `/api/v1/workflows/${wf}/files?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.issues[0].path, query).toBe(query.split('=')[0]);
    }
  });

  it('serves every collection and edge collection', async () => {
    const wf = await emptyWorkflow();
    for (const collection of WORKFLOW_COLLECTIONS) {
      const res = await api.call('GET', `/api/v1/workflows/${wf}/${collection}`);
      expect(res.status, collection).toBe(200);
    }
    for (const collection of EDGE_COLLECTIONS) {
      const res = await api.call('GET', `/api/v1/workflows/${wf}/edges/${collection}`);
      expect(res.status, collection).toBe(200);
    }
    const scheduler = await post(wf, 'schedulers', { name: 'slurm', account: 'x' });
    expect(scheduler.account).toBe('x');
  });
});
