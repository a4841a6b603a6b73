/**
 * Names in paths (issue 11, item 1): a job path takes the job's name as well as its key, a
 * workflow path a name that exactly one workflow has; results keep the log tails workers send.
 * Real SQLite file, real Redis, `app.request()`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFixture, startedWorkflow, TEST_WORKER, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture({ dashboard: false });
});
afterAll(async () => {
  await api.close();
});

/** A workflow named `name` (not started). */
async function created(name: string, jobs: Array<Record<string, unknown>>): Promise<string> {
  const res = await api.call('POST', '/api/v1/workflows', { name, jobs });
  expect(res.status, res.text).toBe(201);
  return res.body._key as string;
}

describe('names in paths', () => {
  it('gets, patches and cancels a job by its name, including names that are not valid keys', async () => {
    const { wf, key } = await startedWorkflow(api, [
      { name: 'long 1', command: 'sleep 100' },
      { name: 'step_2', command: 'true' },
    ]);
    const byName = await api.call('GET', `/api/v1/workflows/${wf}/jobs/${encodeURIComponent('long 1')}`);
    expect(byName.status, byName.text).toBe(200);
    expect(byName.body._key).toBe(key('long 1'));
    const patched = await api.call('PATCH', `/api/v1/workflows/${wf}/jobs/step_2`, { note: 'x' });
    expect(patched.body).toMatchObject({ _key: key('step_2'), note: 'x' });
    const canceled = await api.call('POST', `/api/v1/workflows/${wf}/jobs/${encodeURIComponent('long 1')}/cancel`);
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body.canceled).toEqual([key('long 1')]);
    expect((await api.store.getDocument(wf, 'jobs', key('long 1'))).status).toBe('canceled');
  });

  it('an unknown job name is a 404 naming it', async () => {
    const { wf } = await startedWorkflow(api, [{ name: 'a', command: 'true' }]);
    const res = await api.call('GET', `/api/v1/workflows/${wf}/jobs/nope`);
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('jobs/nope does not exist');
  });

  it("a key wins over another job's equal name", async () => {
    const wf = await created('key-vs-name', [{ name: 'first', command: 'true' }]);
    const first = (await api.call('GET', `/api/v1/workflows/${wf}/jobs?name=first`)).body.items[0]._key as string;
    // Direct mode: a second job whose name is the first job's key.
    const second = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: first, command: 'true' });
    expect(second.status, second.text).toBe(201);
    expect((await api.call('GET', `/api/v1/workflows/${wf}/jobs/${first}`)).body.name).toBe('first');
    expect((await api.call('GET', `/api/v1/workflows/${wf}/jobs/${second.body._key}`)).body.name).toBe(first);
  });

  it('a workflow by its name when unambiguous; two of that name are a 409 listing their keys', async () => {
    const name = `named-${Date.now()}`;
    const one = await created(name, [{ name: 'a', command: 'true' }]);
    const status = await api.call('GET', `/api/v1/workflows/${name}/status`);
    expect(status.status, status.text).toBe(200);
    expect((await api.call('GET', `/api/v1/workflows/${encodeURIComponent(name)}`)).body._key).toBe(one);
    const jobs = await api.call('GET', `/api/v1/workflows/${name}/jobs/a`);
    expect(jobs.body.workflow).toBe(one);

    const two = await created(name, [{ name: 'a', command: 'true' }]);
    const ambiguous = await api.call('GET', `/api/v1/workflows/${name}/status`);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.code).toBe('conflict');
    expect(ambiguous.body.detail).toContain(one);
    expect(ambiguous.body.detail).toContain(two);
    // Keys still work.
    expect((await api.call('GET', `/api/v1/workflows/${two}/status`)).status).toBe(200);
  });
});

describe('log tails on results', () => {
  it('keeps stdout_tail and stderr_tail as the worker sent them, and refuses oversized ones', async () => {
    const { wf, key } = await startedWorkflow(api, [{ name: 'bad', command: 'false' }]);
    await api.store.claimReady(100, wf);
    const started = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [{ workflow: wf, job: key('bad'), attempt: 1 }],
    });
    const report = {
      workflow: wf,
      job: key('bad'),
      attempt: 1,
      status: 'failed',
      return_code: 1,
      exec_time_s: 0.1,
      completion_time: new Date().toISOString(),
      compute_node: started.body.outcomes[0].compute_node,
      stderr_path: '/tmp/x.err',
    };
    const tooLong = await api.call('POST', '/api/v1/attempts/complete', {
      results: [{ ...report, stderr_tail: 'x'.repeat(64 * 1024 + 1) }],
    });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body.issues)).toContain('stderr_tail');
    const done = await api.call('POST', '/api/v1/attempts/complete', {
      results: [{ ...report, stdout_tail: 'out\n', stderr_tail: 'boom\n' }],
    });
    expect(done.body.outcomes[0], done.text).toMatchObject({ ok: true });
    const results = await api.call('GET', `/api/v1/workflows/${wf}/results?job=${key('bad')}`);
    expect(results.body.items[0]).toMatchObject({
      stdout_tail: 'out\n',
      stderr_tail: 'boom\n',
      stderr_path: '/tmp/x.err',
    });
  });
});
