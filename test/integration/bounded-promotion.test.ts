/**
 * Bounded promotion (decision 0016) against a real redis-server, a real SQLite file, the
 * real scheduler and API, and real workers: the queues hold no more than their watermark,
 * the rest stays `ready` in the graph, and workers draining the queues get them refilled.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { parseQueueName, queueRegistryKey } from '../../src/queue/queue-names.js';
import { WorkerHeartbeat } from '../../src/queue/worker-heartbeat.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { waitFor } from '../e2e/support/cli.js';
import { Notifier } from '../../src/queue/notifications.js';
import { runJob, TEST_WORKER } from './scheduler-fixtures.js';
import { openWorkerStack, testWorkerOptions, type WorkerStack } from './worker-fixture.js';

const GIB = 1024 ** 3;
const redisUrl = inject('redisUrl');

describe('bounded promotion', () => {
  let stack: WorkerStack;
  const closers: Array<() => Promise<unknown>> = [];
  const redis = new Redis(redisUrl);

  afterAll(async () => {
    await redis.quit();
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await stack.close();
  });

  async function open(queueFloor: number): Promise<WorkerStack> {
    // A short reconcile: the periodic pass is the refill's safety net and reads the workers' sizes.
    stack = await openWorkerStack(redisUrl, { queueFloor });
    return stack;
  }

  /** Entries waiting to be taken in each of the workflow's queues, read from Redis by BullMQ itself. */
  async function waitingByQueue(workflow: string): Promise<Map<string, number>> {
    const names = (await redis.smembers(queueRegistryKey(stack.prefix))).filter(
      (n) => parseQueueName(n)?.workflow === workflow,
    );
    const out = new Map<string, number>();
    for (const name of names) {
      const queue = new Queue(name, { connection: { url: redisUrl }, prefix: stack.prefix });
      out.set(name, await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'));
      await queue.close();
    }
    return out;
  }

  async function totalWaiting(workflow: string): Promise<number> {
    return [...(await waitingByQueue(workflow)).values()].reduce((a, b) => a + b, 0);
  }

  function sweep(jobs: number): Record<string, unknown> {
    return { name: 'bounded', jobs: [{ name: 'p{i}', command: 'true', parameters: { i: `1:${jobs}` } }] };
  }

  it('a 5,000-job sweep never has more than the watermark waiting in Redis, and completes', async () => {
    await open(20);
    const wf = await stack.create(sweep(5000));
    await stack.start(wf);
    await stack.scheduler.whenIdle();
    // No live worker yet: the floor holds, the rest is `ready` in the graph.
    expect(await totalWaiting(wf)).toBe(20);
    expect(await stack.store.statusCounts(wf)).toMatchObject({ queued: 20, ready: 4980 });

    // Drain it as workers do, a round at a time (a real worker at this size takes minutes on a
    // shared 2-core machine; the next test runs one): take what waits, start and complete the
    // attempts in the graph, and announce the completions on `ready` as the completion route does.
    const [name] = [...(await waitingByQueue(wf)).keys()];
    const queue = new Queue(name!, { connection: { url: redisUrl }, prefix: stack.prefix });
    closers.push(() => queue.close());
    const api = new Notifier(redisUrl, stack.prefix);
    closers.push(() => api.close());
    let highest = 0;
    let rounds = 0;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const waiting = await totalWaiting(wf);
      highest = Math.max(highest, waiting);
      const entries = await queue.getJobs(['waiting'], 0, 49);
      if (entries.length === 0) {
        if ((await stack.store.statusCounts(wf)).completed === 5000) break;
        if (Date.now() > deadline) throw new Error('the sweep did not complete in time');
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      rounds++;
      const attempts = entries.map((e) => ({ workflow: wf, job: e.data.job as string, attempt: 1 }));
      const started = await stack.store.startAttempts(attempts.map((a) => ({ ...a, worker: TEST_WORKER })));
      await Promise.all(entries.map((e) => e.remove()));
      const done = await stack.store.completeAttempts(
        attempts.map((a, i) => ({
          ...a,
          status: 'completed' as const,
          return_code: 0,
          exec_time_s: 0.01,
          completion_time: new Date().toISOString(),
          compute_node: started[i]!.ok ? started[i]!.compute_node : '',
        })),
      );
      expect(done.every((d) => d.ok)).toBe(true);
      await api.publish('ready', [wf]);
    }
    expect(highest).toBe(20);
    expect(rounds).toBeGreaterThanOrEqual(5000 / 20);
    await waitFor(
      async () => ((await stack.store.getWorkflow(wf)).status === 'completed' ? true : undefined),
      20_000,
      'the workflow to complete',
    );
  }, 300_000);

  it('a real worker with 2 slots finishes a sweep 15 times its watermark, never more than that waiting', async () => {
    await open(20);
    const wf = await stack.create(sweep(300));
    const [queueName] = await (async () => {
      await stack.start(wf);
      await stack.scheduler.whenIdle();
      return [...(await waitingByQueue(wf)).keys()];
    })();
    const queue = new Queue(queueName!, { connection: { url: redisUrl }, prefix: stack.prefix });
    closers.push(() => queue.close());
    let highest = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        highest = Math.max(highest, await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'));
        samples++;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    closers.push(async () => {
      sampling = false;
      await sampler;
    });
    // Watermark max(20, 2 × 2 one-CPU slots) = 20.
    const worker: WorkerHandle = await startWorker(testWorkerOptions(stack, { num_cpus: 2, workflow: wf }));
    closers.push(() => worker.stop());
    expect(await worker.done).toBe(0);
    sampling = false;
    await sampler;

    expect((await stack.store.statusCounts(wf)).completed).toBe(300);
    expect(samples).toBeGreaterThan(10);
    expect(highest).toBe(20);
  }, 240_000);

  it('refills as entries are taken, and raises the watermark with the live workers capacity', async () => {
    await open(5);
    const wf = await stack.create(sweep(100));
    await stack.start(wf);
    await stack.scheduler.whenIdle();
    expect(await totalWaiting(wf)).toBe(5);

    // Act as a worker for three queued jobs (start and complete them in the graph, as the API
    // does), take their entries, and say so on `ready` as the completion route does.
    const queued = [...(await stack.jobs(wf)).values()].filter((j) => j.status === 'queued').slice(0, 3);
    const [name] = [...(await waitingByQueue(wf)).keys()];
    const queue = new Queue(name!, { connection: { url: redisUrl }, prefix: stack.prefix });
    closers.push(() => queue.close());
    for (const job of queued) {
      await runJob(stack.store, wf, job._key);
      await queue.remove(`${wf}.${job._key}.1`);
    }
    expect(await totalWaiting(wf)).toBe(2);
    stack.scheduler.poke([wf]);
    await waitFor(async () => ((await totalWaiting(wf)) === 5 ? true : undefined), 20_000, 'the refill to 5');
    const counts = await stack.store.statusCounts(wf);
    expect(counts).toMatchObject({ completed: 3, queued: 5, ready: 92 });

    // A live worker of 8 one-CPU slots (its heartbeat, as a worker writes it): the watermark
    // becomes 2 × 8 = 16 at the next periodic pass.
    const beat = new WorkerHeartbeat({
      redisUrl,
      prefix: stack.prefix,
      workerId: 'big',
      intervalMs: 1000,
      ttlMs: 30_000,
      capacity: { num_cpus: 8, memory_bytes: 64 * GIB, num_gpus: 0 },
    });
    await beat.start();
    closers.push(() => beat.stop());
    await waitFor(async () => ((await totalWaiting(wf)) === 16 ? true : undefined), 20_000, 'the watermark of 16');
    expect((await stack.store.statusCounts(wf)).ready).toBe(81);
  }, 60_000);
});
