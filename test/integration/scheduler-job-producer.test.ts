/**
 * JobProducer against a real redis-server: queue per (workflow, resource class), BullMQ
 * ids, idempotent adds, the queue registry, and presence checks.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import type { JobPayload } from '../../src/queue/job-payload.js';
import { JobConsumer } from '../../src/queue/job-consumer.js';
import { JobProducer, queueNameOf } from '../../src/queue/job-producer.js';
import { queueRegistryKey } from '../../src/queue/queue-names.js';

const GIB = 1024 ** 3;

function payload(workflow: string, job: string, cpus = 1, attempt = 1): JobPayload {
  return {
    workflow,
    job,
    attempt,
    resources: { num_cpus: cpus, memory_bytes: GIB, num_gpus: 0, num_nodes: 1, runtime_s: 60 },
  };
}

describe('JobProducer', () => {
  const redisUrl = inject('redisUrl');
  let prefix: string;
  let producer: JobProducer;
  let redis: Redis;
  const queues: Queue[] = [];

  function openQueue(name: string): Queue {
    const q = new Queue(name, { connection: { url: redisUrl }, prefix });
    queues.push(q);
    return q;
  }

  beforeEach(() => {
    prefix = `t-${randomKey(6)}`;
    producer = new JobProducer({ redisUrl, prefix });
    redis = new Redis(redisUrl);
  });

  afterEach(async () => {
    await producer.close();
    await Promise.all(queues.splice(0).map((q) => q.close()));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('adds each payload to the queue of its workflow and resource class, with id workflow.job.attempt', async () => {
    const wf = `wf${randomKey(4)}`;
    const small = [payload(wf, 'a', 1), payload(wf, 'b', 1)];
    const big = payload(wf, 'c', 8, 2);
    const names = await producer.enqueue([...small, big]);

    expect(names.sort()).toEqual([`${wf}.c1-m1024-g0-n1-t60`, `${wf}.c8-m1024-g0-n1-t60`].sort());
    expect(queueNameOf(big)).toBe(`${wf}.c8-m1024-g0-n1-t60`);

    const smallJobs = await openQueue(`${wf}.c1-m1024-g0-n1-t60`).getJobs(['waiting']);
    expect(smallJobs.map((j) => j.id).sort()).toEqual([`${wf}.a.1`, `${wf}.b.1`]);
    expect(smallJobs.find((j) => j.id === `${wf}.a.1`)!.data).toEqual(small[0]);
    const bigJobs = await openQueue(`${wf}.c8-m1024-g0-n1-t60`).getJobs(['waiting']);
    expect(bigJobs.map((j) => j.id)).toEqual([`${wf}.c.2`]);
    expect(bigJobs[0]!.opts.removeOnComplete).toBe(true);
    expect(bigJobs[0]!.opts.removeOnFail).toBe(true);

    expect((await redis.smembers(queueRegistryKey(prefix))).sort()).toEqual(names.sort());
  });

  it('adds an attempt once however often it is enqueued', async () => {
    const wf = `wf${randomKey(4)}`;
    await producer.enqueue([payload(wf, 'a')]);
    await producer.enqueue([payload(wf, 'a'), payload(wf, 'a')]);
    const q = openQueue(`${wf}.c1-m1024-g0-n1-t60`);
    expect(await q.getWaitingCount()).toBe(1);
    // A new attempt of the same job is a new entry.
    await producer.enqueue([payload(wf, 'a', 1, 2)]);
    expect(await q.getWaitingCount()).toBe(2);
  });

  it('puts a later attempt at the head of its queue: a re-run does not wait behind the whole backlog again', async () => {
    const wf = `w${randomKey(6)}`;
    await producer.enqueue([payload(wf, 'a'), payload(wf, 'b'), payload(wf, 'c')]);
    await producer.enqueue([payload(wf, 'retried', 1, 2), payload(wf, 'd')]);
    // Alone in its enqueue (added without addBulk): at the head too.
    await producer.enqueue([payload(wf, 'alone', 1, 3)]);
    // The order a worker takes them in.
    const consumer = new JobConsumer({ redisUrl, prefix });
    try {
      const taken: string[] = [];
      for (let t = await consumer.take(`${wf}.c1-m1024-g0-n1-t60`); t; t = await consumer.take(t.queue)) {
        taken.push(t.id);
        await consumer.ack(t);
      }
      expect(taken).toEqual([`${wf}.alone.3`, `${wf}.retried.2`, `${wf}.a.1`, `${wf}.b.1`, `${wf}.c.1`, `${wf}.d.1`]);
    } finally {
      await consumer.close();
    }
  });

  it('reports which attempts have a queue entry', async () => {
    const wf = `wf${randomKey(4)}`;
    await producer.enqueue([payload(wf, 'a'), payload(wf, 'b', 4)]);
    const q = openQueue(`${wf}.c1-m1024-g0-n1-t60`);
    expect(
      await producer.presentIds([payload(wf, 'a'), payload(wf, 'b', 4), payload(wf, 'c'), payload(wf, 'a', 1, 2)]),
    ).toEqual([true, true, false, false]);
    await q.remove(`${wf}.a.1`);
    expect(await producer.presentIds([payload(wf, 'a'), payload(wf, 'b', 4)])).toEqual([false, true]);
  });

  it('forgetting a finished workflow retires its queues: out of the registry, entries gone; enqueueing again re-registers', async () => {
    const wf = `wf${randomKey(4)}`;
    const other = `wf${randomKey(4)}`;
    const [wfQueue, otherQueue] = await producer.enqueue([payload(wf, 'a'), payload(other, 'a')]);
    expect(await redis.smembers(queueRegistryKey(prefix))).toEqual(expect.arrayContaining([wfQueue, otherQueue]));
    await producer.forgetWorkflow(wf);
    const registry = await redis.smembers(queueRegistryKey(prefix));
    expect(registry).not.toContain(wfQueue);
    expect(registry).toContain(otherQueue);
    expect(await producer.presentIds([payload(wf, 'a'), payload(other, 'a')])).toEqual([false, true]);
    await producer.enqueue([{ ...payload(wf, 'b'), name: 'step_2' }]);
    expect(await redis.smembers(queueRegistryKey(prefix))).toContain(wfQueue);
    const queue = openQueue(`${wf}.c1-m1024-g0-n1-t60`);
    expect(await queue.getWaitingCount()).toBe(1);
    // Entries are named by their job's name (the queue dashboard lists them so).
    expect((await queue.getJob(`${wf}.b.1`))?.name).toBe('step_2');
  });

  it('does nothing for an empty list and closes idempotently', async () => {
    expect(await producer.enqueue([])).toEqual([]);
    expect(await producer.presentIds([])).toEqual([]);
    await producer.close();
    await producer.close();
    expect(await redis.exists(queueRegistryKey(prefix))).toBe(0);
  });
});
