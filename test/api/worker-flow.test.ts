import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFixture, TEST_WORKER, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

/** A started two-job workflow: `b` needs the file `a` produces. */
async function startedWorkflow(): Promise<string> {
  const created = await api.call('POST', '/api/v1/workflows', {
    name: 'wf',
    files: [{ name: 'out', path: '/tmp/out' }],
    jobs: [
      { name: 'a', command: 'echo a', output_files: ['out'] },
      { name: 'b', command: 'echo b', input_files: ['out'] },
    ],
  });
  expect(created.status, created.text).toBe(201);
  const wf = created.body._key as string;
  expect((await api.call('POST', `/api/v1/workflows/${wf}/start`)).status).toBe(200);
  return wf;
}

describe('worker endpoints', () => {
  it('registers a worker and hands out the Redis connection', async () => {
    const res = await api.call('POST', '/api/v1/workers', { hostname: 'h', pid: 1, num_cpus: 2, memory_bytes: 1024 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ redis_url: api.redisUrl, queue_prefix: api.prefix });
    expect(res.body.worker_id).toMatch(/^[a-z0-9]{10}$/);
  });

  it('registering for a workflow creates its compute node; an unknown workflow is a 404', async () => {
    const wf = await startedWorkflow();
    const res = await api.call('POST', '/api/v1/workers', {
      hostname: 'h',
      pid: 1,
      num_cpus: 2,
      memory_bytes: 1024,
      workflow: wf,
    });
    expect(res.status).toBe(201);
    const nodes = await api.call('GET', `/api/v1/workflows/${wf}/compute_nodes`);
    expect(nodes.body.items.map((n: { worker_id: string }) => n.worker_id)).toEqual([res.body.worker_id]);
    // Written with the node (one writeDocuments call), so neither exists without the other.
    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?type=worker_registered`);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        source: 'system',
        worker_id: res.body.worker_id,
        hostname: 'h',
        timestamp: nodes.body.items[0].started_at,
      }),
    ]);

    const missing = await api.call('POST', '/api/v1/workers', {
      hostname: 'h',
      pid: 1,
      num_cpus: 2,
      memory_bytes: 1024,
      workflow: 'nope',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('runs a job through claim, start and complete, and announces the workflow', async () => {
    const wf = await startedWorkflow();
    const announced: string[][] = [];
    await api.notifier.subscribe('ready', (names) => announced.push(names));

    const [claimed, ...rest] = await api.store.claimReady(10, wf);
    expect(rest).toEqual([]);
    expect(claimed!.name).toBe('a');

    const start = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [
        { workflow: wf, job: claimed!.job, attempt: 1 },
        // The same worker repeating a start (its first answer lost) is answered again (issue 9).
        { workflow: wf, job: claimed!.job, attempt: 1 },
      ],
    });
    expect(start.status, start.text).toBe(200);
    expect(start.body.outcomes[0]).toMatchObject({ ok: true, job: { _key: claimed!.job, command: 'echo a' } });
    expect(start.body.outcomes[1]).toEqual({ ...start.body.outcomes[0], repeated: true });
    const computeNode = start.body.outcomes[0].compute_node as string;
    // Another worker's start of the running attempt is refused.
    const byOther = await api.call('POST', '/api/v1/attempts/start', {
      worker: { ...TEST_WORKER, worker_id: `${TEST_WORKER.worker_id}-other` },
      attempts: [{ workflow: wf, job: claimed!.job, attempt: 1 }],
    });
    expect(byOther.body.outcomes).toEqual([{ ok: false, reason: `job ${claimed!.job} is running, not queued` }]);

    const result = {
      workflow: wf,
      job: claimed!.job,
      attempt: 1,
      status: 'completed',
      return_code: 0,
      exec_time_s: 0.5,
      completion_time: new Date().toISOString(),
      compute_node: computeNode,
    };
    const done = await api.call('POST', '/api/v1/attempts/complete', { results: [result] });
    expect(done.status, done.text).toBe(200);
    expect(done.body.outcomes).toEqual([{ ok: true, duplicate: false, result: `${claimed!.job}-a1`, newly_ready: 1 }]);
    const again = await api.call('POST', '/api/v1/attempts/complete', { results: [result] });
    expect(again.body.outcomes[0]).toMatchObject({ ok: true, duplicate: true });

    const status = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(status.body).toMatchObject({ workflow: wf, status: 'running', total: 2 });
    expect(status.body.counts).toMatchObject({ completed: 1, ready: 1, blocked: 0 });

    const results = await api.call('GET', `/api/v1/workflows/${wf}/results?job=${claimed!.job}`);
    expect(results.body.total).toBe(1);
    expect(results.body.items[0]).toMatchObject({ job: claimed!.job, attempt: 1, return_code: 0, status: 'completed' });

    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?source=system&limit=100`);
    const types = events.body.items.map((e: { type: string }) => e.type);
    // One job_started despite the repeated and the refused start, one job_completed despite the repeated complete.
    expect(types.filter((t: string) => t === 'job_started')).toHaveLength(1);
    expect(types.filter((t: string) => t === 'job_completed')).toHaveLength(1);
    const completedEvent = events.body.items.find((e: { type: string }) => e.type === 'job_completed');
    expect(completedEvent).toMatchObject({ job: claimed!.job, attempt: 1, return_code: 0, compute_node: computeNode });

    await expect.poll(() => announced.flat()).toContain(wf);
  });

  it('runs a whole workflow as a registered worker until every job is completed', async () => {
    const wf = await startedWorkflow();
    const registered = await api.call('POST', '/api/v1/workers', {
      hostname: 'n2',
      pid: 7,
      num_cpus: 2,
      memory_bytes: 2 ** 30,
    });
    const worker = { ...TEST_WORKER, worker_id: registered.body.worker_id as string, hostname: 'n2', pid: 7 };
    for (let round = 0; round < 2; round++) {
      const claimed = await api.store.claimReady(10, wf);
      expect(claimed).toHaveLength(1); // b becomes ready only once a completes
      const start = await api.call('POST', '/api/v1/attempts/start', {
        worker,
        attempts: claimed.map((c) => ({ workflow: wf, job: c.job, attempt: c.attempt })),
      });
      expect(start.body.outcomes[0].ok).toBe(true);
      const done = await api.call('POST', '/api/v1/attempts/complete', {
        results: claimed.map((c) => ({
          workflow: wf,
          job: c.job,
          attempt: c.attempt,
          status: 'completed',
          return_code: 0,
          exec_time_s: 0.1,
          completion_time: new Date().toISOString(),
          compute_node: start.body.outcomes[0].compute_node,
        })),
      });
      expect(done.body.outcomes[0].ok).toBe(true);
    }
    const status = await api.call('GET', `/api/v1/workflows/${wf}/status`);
    expect(status.body.counts).toMatchObject({ completed: 2, ready: 0, blocked: 0, running: 0, queued: 0 });
    expect(status.body.total).toBe(2);

    const results = await api.call('GET', `/api/v1/workflows/${wf}/results`);
    expect(results.body.total).toBe(2);
    const nodes = await api.call('GET', `/api/v1/workflows/${wf}/compute_nodes?worker_id=${worker.worker_id}`);
    expect(nodes.body.total).toBe(1);
    const executed = await api.call('GET', `/api/v1/workflows/${wf}/edges/executed`);
    expect(executed.body.items.every((e: { _from: string }) => e._from === nodes.body.items[0]._id)).toBe(true);
    expect(executed.body.total).toBe(2);
  });

  it('reports a failed attempt as job_failed', async () => {
    const wf = await startedWorkflow();
    const [claimed] = await api.store.claimReady(10, wf);
    const start = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [{ workflow: wf, job: claimed!.job, attempt: 1 }],
    });
    const done = await api.call('POST', '/api/v1/attempts/complete', {
      results: [
        {
          workflow: wf,
          job: claimed!.job,
          attempt: 1,
          status: 'failed',
          return_code: 3,
          exec_time_s: 1,
          completion_time: new Date().toISOString(),
          compute_node: start.body.outcomes[0].compute_node,
        },
      ],
    });
    expect(done.body.outcomes[0].ok).toBe(true);
    const events = await api.call('GET', `/api/v1/workflows/${wf}/events?type=job_failed`);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({ return_code: 3, status: 'failed' });
  });

  it('names the bad field of a malformed batch', async () => {
    const res = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [{ workflow: 'x', attempt: 1 }],
    });
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain('attempts[0].job');
  });
});
