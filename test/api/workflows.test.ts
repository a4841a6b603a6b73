import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_STATUSES } from '../../src/core/model.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

async function create(spec: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', '/api/v1/workflows', spec);
  expect(res.status, res.text).toBe(201);
  return res.body._key as string;
}

describe('workflows', () => {
  it('creates a workflow from a spec and returns its document', async () => {
    const res = await api.call('POST', '/api/v1/workflows', {
      name: 'spec-wf',
      description: 'two jobs',
      jobs: [
        { name: 'a', command: 'true' },
        { name: 'b', command: 'true', blocked_by: ['a'] },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ name: 'spec-wf', status: 'created' });
    expect(res.body._id).toBe(`workflows/${res.body._key}`);
    const jobs = await api.call('GET', `/api/v1/workflows/${res.body._key}/jobs`);
    expect(jobs.body.items.map((j: { name: string }) => j.name).sort()).toEqual(['a', 'b']);
  });

  it('returns the spec fields it accepts but does not act on as warnings, and stores the workflow', async () => {
    const res = await api.call('POST', '/api/v1/workflows', {
      name: 'torc-settings',
      use_pending_failed: true,
      resource_monitor: { enabled: true, plot_format: 'png' },
      user_data: [
        { name: 'scratch', is_ephemeral: true },
        { name: 'tmp', is_ephemeral: true },
      ],
      jobs: [{ name: 'a', command: 'true' }],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.warnings).toEqual([
      'use_pending_failed: accepted, not acted on yet',
      'resource_monitor.plot_format: accepted, not acted on yet',
      'user_data[0,1].is_ephemeral: accepted, not acted on yet',
    ]);
    const got = await api.call('GET', `/api/v1/workflows/${res.body._key}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('torc-settings');
    expect(got.body.warnings).toBeUndefined(); // a property of the creation, not of the document
  });

  it('returns no warnings for a spec that sets nothing jobgraph ignores', async () => {
    const res = await api.call('POST', '/api/v1/workflows', { name: 'plain', jobs: [{ name: 'a', command: 'true' }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.warnings).toEqual([]);
  });

  it('creates an empty workflow from a name alone', async () => {
    const wf = await create({ name: 'empty' });
    const jobs = await api.call('GET', `/api/v1/workflows/${wf}/jobs`);
    expect(jobs.body).toEqual({ items: [], total: 0, offset: 0, limit: 100 });
  });

  it('rejects an invalid spec with 422 naming the field', async () => {
    const res = await api.call('POST', '/api/v1/workflows', { name: 'bad', jobs: [{ name: 'a' }] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.issues.some((i: { path: string }) => i.path.startsWith('jobs[0]'))).toBe(true);
  });

  it('gets, lists, and deletes workflows', async () => {
    const wf = await create({ name: 'listed' });
    const got = await api.call('GET', `/api/v1/workflows/${wf}`);
    expect(got.status).toBe(200);
    expect(got.body.name).toBe('listed');

    const list = await api.call('GET', '/api/v1/workflows?limit=1000');
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { _key: string }) => w._key)).toContain(wf);
    expect(list.body.total).toBe(list.body.items.length);
    const paged = await api.call('GET', '/api/v1/workflows?limit=1&offset=1');
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body).toMatchObject({ offset: 1, limit: 1, total: list.body.total });

    expect((await api.call('DELETE', `/api/v1/workflows/${wf}`)).status).toBe(204);
    const gone = await api.call('GET', `/api/v1/workflows/${wf}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('not_found');
    expect((await api.call('DELETE', `/api/v1/workflows/${wf}`)).status).toBe(404);
  });

  it('filters workflows by status', async () => {
    const started = await create({ name: 'to-start', jobs: [{ name: 'a', command: 'true' }] });
    await api.call('POST', `/api/v1/workflows/${started}/start`);
    const running = await api.call('GET', '/api/v1/workflows?status=running&limit=1000');
    expect(running.body.items.map((w: { _key: string }) => w._key)).toContain(started);
    expect(running.body.items.every((w: { status: string }) => w.status === 'running')).toBe(true);
    const bad = await api.call('GET', '/api/v1/workflows?status=sleeping');
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('status');
  });

  it('starts a workflow once: ready and blocked jobs, then 409', async () => {
    const wf = await create({
      name: 'start',
      jobs: [
        { name: 'a', command: 'true' },
        { name: 'b', command: 'true', blocked_by: ['a'] },
      ],
    });
    const before = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(before.body).toMatchObject({ workflow: wf, status: 'created', total: 2 });
    expect(before.body.counts.uninitialized).toBe(2);

    const start = await api.call('POST', `/api/v1/workflows/${wf}/start`);
    expect(start.status, start.text).toBe(200);
    expect(start.body).toMatchObject({ ready: 1, blocked: 1, workflow: { _key: wf, status: 'running' } });

    const status = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(status.body.status).toBe('running');
    expect(Object.keys(status.body.counts).sort()).toEqual([...JOB_STATUSES].sort());
    expect(status.body.counts).toMatchObject({ ready: 1, blocked: 1, uninitialized: 0 });

    const again = await api.call('POST', `/api/v1/workflows/${wf}/start`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_state');
  });

  it('starts with auto_scale: the setting and the workflow_started event are written with the start', async () => {
    const wf = await create({ name: 'scaled', jobs: [{ name: 'a', command: 'true' }] });
    // The route reads a body only when it has a length (an HTTP client always sends one).
    const startWith = async (body: Record<string, unknown>) => {
      const text = JSON.stringify(body);
      const res = await api.app.request(`/api/v1/workflows/${wf}/start`, {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const start = await startWith({ auto_scale: true, max_allocations: 3 });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect(start.body.workflow).toMatchObject({ status: 'running', auto_scale: { max_allocations: 3 } });
    expect((await api.call('GET', `/api/v1/workflows/${wf}`)).body.auto_scale).toEqual({ max_allocations: 3 });
    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?type=workflow_started`);
    expect(events.body.items).toEqual([
      expect.objectContaining({ source: 'system', ready: 1, blocked: 0, derived_blocks: 0, auto_scale: true }),
    ]);
    // A refused start changes nothing: no setting, no second event.
    const again = await startWith({ auto_scale: true, max_allocations: 9 });
    expect(again.status).toBe(409);
    expect((await api.call('GET', `/api/v1/workflows/${wf}`)).body.auto_scale).toEqual({ max_allocations: 3 });
    expect((await api.call('GET', `/api/v1/workflows/${wf}/events?type=workflow_started`)).body.total).toBe(1);
  });

  it('announces a started workflow to the scheduler', async () => {
    const wf = await create({ name: 'announce', jobs: [{ name: 'a', command: 'true' }] });
    const announced: string[] = [];
    await api.notifier.subscribe('ready', (names) => announced.push(...names));
    await api.call('POST', `/api/v1/workflows/${wf}/start`);
    await expect.poll(() => announced).toContain(wf);
  });

  it('refuses to start a cycle with 422 dependency_cycle naming the jobs', async () => {
    const wf = await create({ name: 'cyclic' });
    const a = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'a', command: 'true' });
    const b = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'b', command: 'true' });
    await api.call('POST', `/api/v1/workflows/${wf}/edges/blocks`, { _from: a.body._id, _to: b.body._id });
    await api.call('POST', `/api/v1/workflows/${wf}/edges/blocks`, { _from: b.body._id, _to: a.body._id });
    const res = await api.call('POST', `/api/v1/workflows/${wf}/start`);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('dependency_cycle');
    expect(res.body.detail).toMatch(/a/);
    expect(res.body.detail).toMatch(/b/);
    expect(res.body.cycle).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('start and status of an unknown workflow are 404s', async () => {
    expect((await api.call('POST', '/api/v1/workflows/nope/start')).status).toBe(404);
    expect((await api.call('GET', '/api/v1/workflows/nope/status')).status).toBe(404);
  });
});
