/**
 * Cancel endpoints over a real SQLite file and real Redis: the store changes, the events,
 * the `cancel` announcement to workers, the removal of queue entries, and the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedJob } from '../../src/graph/graph-store.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Notifier } from '../../src/queue/notifications.js';
import { bullJobId } from '../../src/queue/queue-names.js';
import { createApiFixture, startedWorkflow, TEST_WORKER, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let producer: JobProducer;
let listener: Notifier;
const announced: string[][] = [];
beforeAll(async () => {
  api = createApiFixture();
  producer = new JobProducer({ redisUrl: api.redisUrl, prefix: api.prefix });
  listener = new Notifier(api.redisUrl, api.prefix);
  await listener.subscribe('cancel', (ids) => announced.push(ids));
});
afterAll(async () => {
  await listener.close();
  await producer.close();
  await api.close();
});

/** A started workflow of `jobs` whose ready jobs are claimed and enqueued, as the scheduler would. */
async function queuedWorkflow(
  jobs: Array<Record<string, unknown>>,
): Promise<{ wf: string; key: (n: string) => string; claimed: ClaimedJob[] }> {
  const { wf, key } = await startedWorkflow(api, jobs);
  const claimed = await api.store.claimReady(100, wf);
  await producer.enqueue(claimed.map((c) => ({ ...c })));
  return { wf, key, claimed };
}

async function startJob(wf: string, job: string): Promise<void> {
  const res = await api.call('POST', '/api/v1/attempts/start', {
    worker: TEST_WORKER,
    attempts: [{ workflow: wf, job, attempt: 1 }],
  });
  expect(res.body.outcomes[0].ok, res.text).toBe(true);
}

async function waitForAnnouncement(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!announced.some((ids) => ids.includes(id))) {
    if (Date.now() > deadline) throw new Error(`no cancel announcement for ${id}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function events(wf: string, type: string): Promise<Array<Record<string, unknown>>> {
  const res = await api.call('GET', `/api/v1/workflows/${wf}/events?type=${type}`);
  return res.body.items as Array<Record<string, unknown>>;
}

describe('POST /api/v1/workflows/{wf}/cancel', () => {
  it('cancels every job, announces running attempts and empties the queues', async () => {
    const { wf, key, claimed } = await queuedWorkflow([
      { name: 'a', command: 'sleep 30' },
      { name: 'b', command: 'sleep 30' },
      { name: 'c', command: 'sleep 30' },
      { name: 'd', command: 'echo d', depends_on: ['a'] },
    ]);
    // a's entry was taken by a worker (simulated: start through the API), b and c wait.
    await startJob(wf, key('a'));
    expect(await producer.presentIds(claimed)).toEqual([true, true, true]);

    const res = await api.call('POST', `/api/v1/workflows/${wf}/cancel`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.workflow).toMatchObject({ _key: wf, status: 'canceled' });
    expect([...res.body.canceled].sort()).toEqual(['a', 'b', 'c', 'd'].map(key).sort());
    expect(res.body.running).toEqual([{ job: key('a'), attempt: 1 }]);
    expect(res.body.queued).toHaveLength(2);

    await waitForAnnouncement(bullJobId(wf, key('a'), 1));
    // Waiting entries are gone (the worker holding a's entry would ack it; here it was never taken).
    const present = await producer.presentIds(claimed);
    expect(claimed.map((c, i) => [c.job, present[i]]).filter(([job]) => job !== key('a'))).toEqual([
      [key('b'), false],
      [key('c'), false],
    ]);
    const status = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(status.body).toMatchObject({ status: 'canceled', counts: { canceled: 4 } });
    const [event] = await events(wf, 'workflow_canceled');
    expect(event).toMatchObject({ source: 'system', canceled: 4, running: 1, queued: 2 });

    // The worker's report of the terminated attempt is accepted and recorded as canceled.
    const done = await api.call('POST', '/api/v1/attempts/complete', {
      results: [
        {
          workflow: wf,
          job: key('a'),
          attempt: 1,
          status: 'terminated',
          return_code: 143,
          exec_time_s: 0.5,
          completion_time: new Date().toISOString(),
          compute_node: `${wf}-${TEST_WORKER.worker_id}`,
        },
      ],
    });
    expect(done.body.outcomes[0]).toMatchObject({ ok: true, duplicate: false, canceled: true });
    const [reported] = await events(wf, 'canceled_attempt_reported');
    expect(reported).toMatchObject({ job: key('a'), attempt: 1, status: 'canceled', reported_status: 'terminated' });
    expect(await events(wf, 'job_failed')).toEqual([]);
    const results = await api.call('GET', `/api/v1/workflows/${wf}/results`);
    expect(results.body.items).toMatchObject([{ job: key('a'), status: 'canceled', return_code: 143 }]);

    // Cancelling again: the workflow is finished.
    const again = await api.call('POST', `/api/v1/workflows/${wf}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_state');
  });

  it('answers 404 for an unknown workflow', async () => {
    const res = await api.call('POST', '/api/v1/workflows/nosuchwf/cancel');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});

describe('POST /api/v1/workflows/{wf}/jobs/{key}/cancel', () => {
  it('cancels a running job and its canceling dependents, lets the others become ready', async () => {
    const { wf, key } = await queuedWorkflow([
      { name: 'a', command: 'sleep 30' },
      { name: 'stop', command: 'echo', depends_on: ['a'], cancel_on_blocking_job_failure: true },
      { name: 'stop2', command: 'echo', depends_on: ['stop'], cancel_on_blocking_job_failure: true },
      { name: 'go', command: 'echo', depends_on: ['a'], cancel_on_blocking_job_failure: false },
    ]);
    await startJob(wf, key('a'));
    const ready: string[][] = [];
    const onReady = (names: string[]) => ready.push(names);
    await listener.subscribe('ready', onReady);

    const res = await api.call('POST', `/api/v1/workflows/${wf}/jobs/${key('a')}/cancel`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.canceled).toEqual([key('a'), key('stop'), key('stop2')]);
    expect(res.body.running).toEqual([{ job: key('a'), attempt: 1 }]);
    expect(res.body.newly_ready).toBe(1);
    await waitForAnnouncement(bullJobId(wf, key('a'), 1));
    const jobs = await api.call('GET', `/api/v1/workflows/${wf}/jobs`);
    expect(
      Object.fromEntries((jobs.body.items as Array<{ name: string; status: string }>).map((j) => [j.name, j.status])),
    ).toEqual({
      a: 'canceled',
      stop: 'canceled',
      stop2: 'canceled',
      go: 'ready',
    });
    const [event] = await events(wf, 'job_canceled');
    expect(event).toMatchObject({
      job: key('a'),
      was_running: true,
      dependents_canceled: [key('stop'), key('stop2')],
      newly_ready: 1,
    });
    // The scheduler is woken for the newly ready job.
    const deadline = Date.now() + 10_000;
    while (!ready.some((n) => n.includes(wf)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ready.some((n) => n.includes(wf))).toBe(true);
    await listener.unsubscribe('ready', onReady);

    const again = await api.call('POST', `/api/v1/workflows/${wf}/jobs/${key('stop')}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_state');
  });

  it('removes the queue entry of a queued job only', async () => {
    const { wf, key, claimed } = await queuedWorkflow([
      { name: 'a', command: 'echo a' },
      { name: 'b', command: 'echo b' },
    ]);
    const res = await api.call('POST', `/api/v1/workflows/${wf}/jobs/${key('a')}/cancel`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.queued).toEqual([{ job: key('a'), attempt: 1 }]);
    const present = await producer.presentIds(claimed);
    expect(Object.fromEntries(claimed.map((c, i) => [c.job, present[i]]))).toEqual({
      [key('a')]: false,
      [key('b')]: true,
    });
  });

  it('answers 404 for an unknown job or workflow, 409 when the workflow is not running', async () => {
    const { wf, key } = await queuedWorkflow([{ name: 'a', command: 'echo a' }]);
    const unknownJob = await api.call('POST', `/api/v1/workflows/${wf}/jobs/nosuchjob/cancel`);
    expect(unknownJob.status).toBe(404);
    expect(unknownJob.body.code).toBe('not_found');
    const unknownWf = await api.call('POST', `/api/v1/workflows/nosuchwf/jobs/${key('a')}/cancel`);
    expect(unknownWf.status).toBe(404);
    expect((await api.call('POST', `/api/v1/workflows/${wf}/cancel`)).status).toBe(200);
    const finished = await api.call('POST', `/api/v1/workflows/${wf}/jobs/${key('a')}/cancel`);
    expect(finished.status).toBe(409);
    expect(finished.body.code).toBe('invalid_state');
  });
});
