/**
 * `POST /api/v1/workflows/{wf}/restart` over a real SQLite file and real Redis: the
 * server-side failed-only plan, explicit job lists, the event, the `ready` hint to the
 * scheduler, and the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/queue/notifications.js';
import { createApiFixture, runAttempt, startedWorkflow, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let listener: Notifier;
const hinted: string[][] = [];
beforeAll(async () => {
  api = createApiFixture();
  listener = new Notifier(api.redisUrl, api.prefix);
  await listener.subscribe('ready', (wfs) => hinted.push(wfs));
});
afterAll(async () => {
  await listener.close();
  await api.close();
});

/** a → b → c, plus d: a and d complete, b fails, c runs after it and completes; the workflow finishes failed. */
async function finishedWorkflow() {
  const { wf, key } = await startedWorkflow(api, [
    { name: 'a', command: 'true' },
    { name: 'b', command: 'false', depends_on: ['a'] },
    // Spec jobs default to torc's cancel_on_blocking_job_failure: true; c must run after b fails here.
    { name: 'c', command: 'true', depends_on: ['b'], cancel_on_blocking_job_failure: false },
    { name: 'd', command: 'true' },
  ]);
  await runAttempt(api, wf, key('a'));
  await runAttempt(api, wf, key('d'));
  await runAttempt(api, wf, key('b'), 'failed');
  await runAttempt(api, wf, key('c'));
  expect((await api.store.finishWorkflowIfDone(wf))?.status).toBe('failed');
  return { wf, key };
}

describe('POST /workflows/{wf}/restart', () => {
  it('plans failed jobs and their downstream server-side, records the event and wakes the scheduler', async () => {
    const { wf, key } = await finishedWorkflow();
    const res = await api.call('POST', `/api/v1/workflows/${wf}/restart`, { failed_only: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      workflow: { _key: wf, status: 'running' },
      reset: [key('b'), key('c')],
      ready: 1,
      plan: [
        { job: key('b'), name: 'b', reasons: ['failed'] },
        { job: key('c'), name: 'c', reasons: ['downstream of b'] },
      ],
    });
    expect(res.body.workflow).not.toHaveProperty('finished_at');
    const b = await api.call('GET', `/api/v1/workflows/${wf}/jobs/${key('b')}`);
    expect(b.body).toMatchObject({ status: 'ready', attempt: 2 });
    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?type=workflow_restarted`);
    expect(events.body.items).toEqual([
      expect.objectContaining({ source: 'system', jobs: 2, ready: 1, reasons: { failed: 1, downstream: 1 } }),
    ]);
    const deadline = Date.now() + 10_000;
    while (!hinted.some((wfs) => wfs.includes(wf))) {
      if (Date.now() > deadline) throw new Error('no ready hint');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('adds everything downstream of the requested jobs, so no stale result is left standing', async () => {
    const { wf, key } = await finishedWorkflow();
    const res = await api.call('POST', `/api/v1/workflows/${wf}/restart`, { jobs: [key('a')] });
    expect(res.status, res.text).toBe(200);
    expect([...res.body.reset].sort()).toEqual([key('a'), key('b'), key('c')].sort());
    expect(res.body.ready).toBe(1);
    expect(res.body.plan).toEqual([
      { job: key('a'), name: 'a', reasons: ['requested'] },
      { job: key('b'), name: 'b', reasons: ['downstream of a'] },
      { job: key('c'), name: 'c', reasons: ['downstream of b'] },
    ]);
    const jobs = await api.call('GET', `/api/v1/workflows/${wf}/jobs`);
    const status = Object.fromEntries(
      (jobs.body.items as Array<{ name: string; status: string }>).map((j) => [j.name, j.status]),
    );
    expect(status).toEqual({ a: 'ready', b: 'blocked', c: 'blocked', d: 'completed' });
  });

  it('answers a repeated request_id with the first outcome and bumps the attempts once', async () => {
    const { wf, key } = await finishedWorkflow();
    const body = { failed_only: true, request_id: 'cli-retry-1' };
    const first = await api.call('POST', `/api/v1/workflows/${wf}/restart`, body);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ reset: [key('b'), key('c')], ready: 1 });
    expect(first.body).not.toHaveProperty('repeated');
    // The answer was lost; the client sends the same request again. A failed-only plan would now
    // select nothing (b is ready), and a plain restart of a claimed job would be refused.
    await api.store.claimReady(100, wf);
    const again = await api.call('POST', `/api/v1/workflows/${wf}/restart`, body);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({
      workflow: { _key: wf, status: 'running' },
      reset: [key('b'), key('c')],
      ready: 1,
      repeated: true,
      plan: [
        { job: key('b'), name: 'b', reasons: ['restarted by an earlier request with this request_id'] },
        { job: key('c'), name: 'c', reasons: ['restarted by an earlier request with this request_id'] },
      ],
    });
    const b = await api.call('GET', `/api/v1/workflows/${wf}/jobs/${key('b')}`);
    expect(b.body).toMatchObject({ status: 'queued', attempt: 2 });
    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?type=workflow_restarted`);
    expect(events.body.items).toEqual([
      expect.objectContaining({ request_id: 'cli-retry-1', jobs: 2, reset: [key('b'), key('c')] }),
    ]);
    const tooLong = await api.call('POST', `/api/v1/workflows/${wf}/restart`, {
      jobs: [],
      request_id: 'x'.repeat(201),
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.issues[0].path).toBe('request_id');
  });

  it('resets an explicit list, and answers errors with problems', async () => {
    const { wf, key } = await finishedWorkflow();
    const res = await api.call('POST', `/api/v1/workflows/${wf}/restart`, {
      jobs: [key('d')],
      reasons: { 'output missing': 1 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ reset: [key('d')], ready: 1 });
    expect(res.body.plan).toEqual([{ job: key('d'), name: 'd', reasons: ['requested'] }]);
    // d is ready now: restarting it again is fine (not in flight), but an unknown job is a 404.
    expect((await api.call('POST', `/api/v1/workflows/${wf}/restart`, { jobs: ['nope'] })).status).toBe(404);
    expect((await api.call('POST', `/api/v1/workflows/nope/restart`, { jobs: [] })).status).toBe(404);
    expect((await api.call('POST', `/api/v1/workflows/${wf}/restart`, {})).status).toBe(422);
    expect(
      (await api.call('POST', `/api/v1/workflows/${wf}/restart`, { jobs: [key('a')], failed_only: true })).status,
    ).toBe(422);
    // A never-started workflow cannot be restarted.
    const created = await api.call('POST', '/api/v1/workflows', { name: 'x', jobs: [{ name: 'a', command: 'true' }] });
    const fresh = created.body._key as string;
    const refused = await api.call('POST', `/api/v1/workflows/${fresh}/restart`, { failed_only: true });
    expect(refused.status, refused.text).toBe(409);
    // Nothing selected: nothing changes and no event.
    const { wf: done } = await finishedWorkflow();
    await api.call('POST', `/api/v1/workflows/${done}/restart`, { jobs: [] });
    expect((await api.call('GET', `/api/v1/workflows/${done}`)).body.status).toBe('failed');
    const events = await api.call('GET', `/api/v1/workflows/${done}/events?type=workflow_restarted`);
    expect(events.body.items).toEqual([]);
  });
});
