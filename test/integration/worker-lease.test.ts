/**
 * A worker that knows when its node goes away (a Slurm walltime, a Spot notice), on the real
 * stack: it takes only jobs that can finish in the time left, a stop or a notice interrupts
 * running jobs so that they run again as new attempts, it ends when idle or out of time, and
 * it caps its parallel jobs.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { Lease } from '../../src/worker/lease.js';
import { startAnswerLosingProxy } from '../support/answer-losing-proxy.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../../src/worker/worker.js';
import { maxOverlap, openWorkerStack, type WorkerStack } from './worker-fixture.js';

const GIB = 1024 ** 3;
const redisUrl = inject('redisUrl');

let stack: WorkerStack;
const workers: WorkerHandle[] = [];
beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await stack.close();
});

async function worker(options: Partial<WorkerOptions> & { workflow: string }): Promise<WorkerHandle> {
  const handle = await startWorker({
    apiUrl: stack.api.url,
    num_cpus: 4,
    memory_bytes: 8 * GIB,
    num_gpus: 0,
    cwd: stack.dir,
    idlePollMs: 100,
    terminateGraceMs: 1000,
    ...options,
  });
  workers.push(handle);
  return handle;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const resources = [
  { name: 'short', num_cpus: 1, memory: '100m', runtime: 'PT30S' },
  { name: 'long', num_cpus: 1, memory: '100m', runtime: 'PT10M' },
];

describe('worker lease', () => {
  it('takes only jobs whose runtime fits in the time left, and ends once idle for its idle time', async () => {
    const wf = await stack.create({
      name: 'lease',
      resource_requirements: resources,
      jobs: [
        { name: 'quick', command: 'true', resource_requirements: 'short' },
        { name: 'slow', command: 'true', resource_requirements: 'long' },
      ],
    });
    await stack.start(wf);
    // 100 s left, 10 s buffer: the 30 s job fits, the 10-minute one does not.
    const lease = new Lease({ endsAt: new Date(Date.now() + 100_000), bufferS: 10 });
    const handle = await worker({ workflow: wf, lease, idleExitMs: 1500 });
    expect(await handle.done).toBe(0);
    const jobs = await stack.jobs(wf);
    expect(jobs.get('quick')!.status).toBe('completed');
    expect(jobs.get('slow')!.status).toBe('queued');
    expect((await stack.edges(wf, 'executed')).length).toBe(1);
  });

  it('a stop with interrupt reports running jobs interrupted: they run again as the next attempt', async () => {
    const wf = await stack.create({
      name: 'interrupt',
      failure_handlers: [{ name: 'fh', rules: [{ match_all_exit_codes: true, max_retries: 1 }] }],
      jobs: [{ name: 'long', command: 'sleep 300', failure_handler: 'fh' }],
    });
    await stack.start(wf);
    const first = await worker({ workflow: wf });
    await until('the job runs', async () => (await stack.jobs(wf)).get('long')!.status === 'running');
    await first.stop('received SIGTERM', { interrupt: true });
    expect(await first.done).toBe(0);
    const job = (await stack.jobs(wf)).get('long')!;
    expect(job).toMatchObject({ attempt: 2, lost_reruns: 1 });
    expect(job.failure_retries ?? 0).toBe(0);
    expect(['ready', 'queued']).toContain(job.status);
    const result = (await stack.results(wf)).get(job._key)!;
    expect(result).toMatchObject({ attempt: 1, status: 'terminated', interrupted: true });
    expect(result.message).toBe('interrupted: received SIGTERM');
    const events = await stack.store.listDocuments(wf, 'events', { filter: { type: 'attempt_interrupted' } });
    expect(events.total).toBe(1);

    // Another worker picks up attempt 2.
    await worker({ workflow: wf });
    await until('attempt 2 runs', async () => (await stack.jobs(wf)).get('long')!.status === 'running');
    expect((await stack.jobs(wf)).get('long')!.attempt).toBe(2);
  });

  it('a notice terminates, as interrupted, the jobs that cannot finish before it and lets the others finish', async () => {
    const wf = await stack.create({
      name: 'notice',
      resource_requirements: resources,
      jobs: [
        { name: 'will_finish', command: 'sleep 1', resource_requirements: 'short' },
        { name: 'too_long', command: 'sleep 300', resource_requirements: 'long' },
      ],
    });
    await stack.start(wf);
    const lease = new Lease();
    await worker({ workflow: wf, lease });
    await until('both run', async () => [...(await stack.jobs(wf)).values()].every((j) => j.status === 'running'));
    lease.announce({ reason: 'spot interruption', at: new Date(Date.now() + 60_000) });
    await until('too_long is back as attempt 2', async () => (await stack.jobs(wf)).get('too_long')!.attempt === 2);
    await until('will_finish completes', async () => (await stack.jobs(wf)).get('will_finish')!.status === 'completed');
    const results = await stack.results(wf);
    const tooLong = (await stack.jobs(wf)).get('too_long')!;
    expect(results.get(tooLong._key)).toMatchObject({
      attempt: 1,
      interrupted: true,
      message: 'interrupted: spot interruption',
    });
    // Attempt 2 of a 10-minute job is not taken in the minute left.
    expect(tooLong.status).toBe('queued');
  });

  it('an attempt whose start answer came too late to end before the node goes is interrupted, not run', async () => {
    const proxy = await startAnswerLosingProxy(Number(new URL(stack.api.url).port));
    try {
      const wf = await stack.create({
        name: 'late-start',
        resource_requirements: [{ name: 'four', num_cpus: 1, memory: '100m', runtime: 'PT4S' }],
        jobs: [{ name: 'j', command: 'sleep 30', resource_requirements: 'four' }],
      });
      await stack.start(wf);
      // The 4 s job fits in the 7 s left when it is taken; its start answer then takes 4 s.
      const delayed = proxy.delay('POST', '/api/v1/attempts/start', 4000);
      const lease = new Lease({ endsAt: new Date(Date.now() + 7000) });
      const handle = await worker({ workflow: wf, lease, apiUrl: proxy.url, idleExitMs: 60_000 });
      await delayed;
      expect(await handle.done).toBe(0);
      const job = (await stack.jobs(wf)).get('j')!;
      const result = (await stack.results(wf)).get(job._key)!;
      expect(result).toMatchObject({
        attempt: 1,
        status: 'terminated',
        interrupted: true,
        message: 'interrupted: the node goes before the job could end',
      });
      expect(result.exec_time_s).toBeLessThan(2);
      // Not spent as a failure: the job waits for a node with time, as attempt 2.
      expect(job).toMatchObject({ attempt: 2, lost_reruns: 1 });
      expect(job.failure_retries ?? 0).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('runs at most max-parallel-jobs at once', async () => {
    const wf = await stack.create({
      name: 'parallel',
      jobs: [{ name: 'j{i}', command: 'sleep 0.3', parameters: { i: '1:6' } }],
    });
    await stack.start(wf);
    const handle = await worker({ workflow: wf, maxParallelJobs: 2 });
    expect(await handle.done).toBe(0);
    const results = [...(await stack.results(wf)).values()];
    expect(results).toHaveLength(6);
    const intervals = results.map((r): [number, number] => {
      const end = Date.parse(r.completion_time);
      return [end - r.exec_time_s * 1000, end];
    });
    expect(maxOverlap(intervals)).toBeLessThanOrEqual(2);
  });
});
