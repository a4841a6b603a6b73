import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomKey } from '../core/keys.js';
import { JobConsumer } from './job-consumer.js';
import type { JobPayload } from './job-payload.js';
import { JobProducer, queueNameOf } from './job-producer.js';
import { Notifier } from './notifications.js';
import { queueRegistryKey } from './queue-names.js';

const redisUrl = inject('redisUrl');

function payload(workflow: string, job: string, cpus = 1, attempt = 1): JobPayload {
  return {
    workflow,
    job,
    attempt,
    resources: { num_cpus: cpus, memory_bytes: 1024 ** 3, num_gpus: 0, num_nodes: 1, runtime_s: 60 },
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function setup() {
  const prefix = `t-${randomKey(6)}`;
  const producer = new JobProducer({ redisUrl, prefix });
  const consumer = new JobConsumer({ redisUrl, prefix });
  closers.push(
    () => producer.close(),
    () => consumer.close(),
  );
  return { prefix, producer, consumer };
}

describe('JobConsumer', () => {
  it('lists registered queues with their workflow, resource class and waiting entries, filtered by workflow', async () => {
    const { producer, consumer } = setup();
    await producer.enqueue([payload('wfa', 'j1', 1), payload('wfa', 'j2', 4), payload('wfb', 'j3', 2)]);
    // A workflow whose key starts like another's is not mixed in.
    await producer.enqueue([payload('wfb2', 'j4', 2)]);
    const all = await consumer.waitingQueues();
    expect(all.map((q) => [q.name, q.waiting]).sort()).toEqual([
      ['wfa.c1-m1024-g0-n1-t60', 1],
      ['wfa.c4-m1024-g0-n1-t60', 1],
      ['wfb.c2-m1024-g0-n1-t60', 1],
      ['wfb2.c2-m1024-g0-n1-t60', 1],
    ]);
    const onlyB = await consumer.waitingQueues('wfb');
    expect(onlyB).toEqual([
      {
        name: 'wfb.c2-m1024-g0-n1-t60',
        workflow: 'wfb',
        resourceClass: { num_cpus: 2, memory_bytes: 1024 ** 3, num_gpus: 0, num_nodes: 1, runtime_s: 60 },
        waiting: 1,
      },
    ]);
  });

  it('takes each waiting entry once, and ack removes it from Redis', async () => {
    const { producer, consumer } = setup();
    const p = [payload('wf', 'a'), payload('wf', 'b')];
    const [queue] = await producer.enqueue(p);
    const first = await consumer.take(queue!);
    const second = await consumer.take(queue!);
    expect(await consumer.take(queue!)).toBeUndefined();
    expect([first?.payload.job, second?.payload.job].sort()).toEqual(['a', 'b']);
    expect(first?.id).toBe(`wf.${first?.payload.job}.1`);
    expect(first?.queue).toBe(queue);

    // Taken but not acked: still present (active), not handed out again.
    expect(await producer.presentIds(p)).toEqual([true, true]);
    await consumer.ack(first!);
    await consumer.ack(first!); // idempotent
    await consumer.ack(second!);
    expect(await producer.presentIds(p)).toEqual([false, false]);
    // The same attempt can be promoted again after the ack (nothing lingers as completed).
    await producer.enqueue([p[0]!]);
    expect((await consumer.take(queue!))?.payload).toEqual(p[0]);
  });

  it('counts the entries waiting in each queue, not those taken', async () => {
    const { producer, consumer } = setup();
    const [q1] = await producer.enqueue([payload('wf', 'a', 1), payload('wf', 'b', 1)]);
    const [q2] = await producer.enqueue([payload('wf', 'c', 2)]);
    const counts = async () => new Map((await consumer.waitingQueues('wf')).map((q) => [q.name, q.waiting]));
    expect(await counts()).toEqual(
      new Map([
        [q1!, 2],
        [q2!, 1],
      ]),
    );
    await consumer.take(q1!);
    expect(await counts()).toEqual(
      new Map([
        [q1!, 1],
        [q2!, 1],
      ]),
    );
    expect(await consumer.waitingQueues('none')).toEqual([]);
    // The producer's view for bounded promotion is the same.
    expect(await producer.waitingCounts('wf')).toEqual(
      new Map([
        [q1!, 1],
        [q2!, 1],
      ]),
    );
  });

  it('a second consumer never gets an entry the first one holds', async () => {
    const { prefix, producer, consumer } = setup();
    const other = new JobConsumer({ redisUrl, prefix });
    closers.push(() => other.close());
    const [queue] = await producer.enqueue([payload('wf', 'only')]);
    const got = await Promise.all([consumer.take(queue!), other.take(queue!)]);
    expect(got.filter((t) => t !== undefined)).toHaveLength(1);
  });

  it('removes and skips an entry whose payload is malformed', async () => {
    const { prefix, producer, consumer } = setup();
    const good = payload('wf', 'good');
    const name = queueNameOf(good);
    const raw = new Queue(name, { connection: { url: redisUrl }, prefix });
    closers.push(() => raw.close());
    await raw.add('bad', { workflow: 'wf', job: 'bad', attempt: 0 }, { jobId: 'bad-entry' });
    await producer.enqueue([good]);
    const taken = await consumer.take(name);
    expect(taken?.payload).toEqual(good);
    expect(await raw.getJob('bad-entry')).toBeUndefined();
  });

  it('passes queued announcements to onQueued', async () => {
    const { prefix, consumer } = setup();
    let heard: (names: string[]) => void = () => undefined;
    const received = new Promise<string[]>((resolve) => (heard = resolve));
    await consumer.onQueued((names) => heard(names)); // resolves once Redis confirmed the subscription
    const notifier = new Notifier(redisUrl, prefix);
    closers.push(() => notifier.close());
    await notifier.publish('queued', ['wf.c1-m1024-g0-n1-t60']);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('no queued message within 5 s')), 5000)),
    );
    expect(await Promise.race([received, deadline]).finally(() => clearTimeout(timer))).toEqual([
      'wf.c1-m1024-g0-n1-t60',
    ]);
  });

  it('forgets the per-queue state of drained queues once it holds many, and still serves them', async () => {
    const { producer, consumer } = setup();
    const payloads = Array.from({ length: 70 }, (_, i) => payload('wf', `j${i}`, i + 1));
    const queues = await producer.enqueue(payloads);
    for (const q of queues) {
      const t = await consumer.take(q);
      await consumer.ack(t!);
      expect(await consumer.take(q)).toBeUndefined();
    }
    const held = (consumer as unknown as { workers: Map<string, unknown> }).workers.size;
    expect(held).toBeLessThanOrEqual(65);
    await producer.enqueue([{ ...payloads[0]!, attempt: 2 }]);
    expect((await consumer.take(queues[0]!))?.payload.attempt).toBe(2);
  });

  it('uses one Redis connection however many queues it takes from', async () => {
    const { prefix, producer, consumer } = setup();
    const payloads = Array.from({ length: 20 }, (_, i) => payload('wf', `j${i}`, i + 1));
    const queues = await producer.enqueue(payloads);
    expect(queues).toHaveLength(20);
    for (const q of queues) expect(await consumer.take(q)).toBeDefined();
    const admin = new Redis(redisUrl);
    closers.push(async () => void (await admin.quit()));
    const list = (await admin.client('LIST')) as string;
    const mine = list.split('\n').filter((line) => new RegExp(`name=${prefix}:`).test(line));
    // The producer's connection and the consumer's shared one; no per-queue connections.
    expect(mine.map((l) => /name=(\S+)/.exec(l)?.[1]).sort()).toEqual([`${prefix}:consumer`, `${prefix}:producer`]);
    expect(await admin.scard(queueRegistryKey(prefix))).toBe(20);
  });

  it("takes the hints of its process's notifier when given one: no round trip through Redis, and closing leaves it open", async () => {
    const prefix = `t-${randomKey(6)}`;
    const shared = new Notifier(redisUrl, prefix);
    closers.push(() => shared.close());
    const consumer = new JobConsumer({ redisUrl, prefix, notifier: shared });
    const queued: string[][] = [];
    const canceled: string[][] = [];
    await consumer.onQueued((names) => queued.push(names));
    await consumer.onCancel((ids) => canceled.push(ids));
    // As the scheduler in the same process publishes it: handed over before the publish resolves.
    const publishing = shared.publish('queued', ['wf.c1-m1024-g0-n1-t60']);
    expect(queued).toEqual([['wf.c1-m1024-g0-n1-t60']]);
    await publishing;
    await consumer.close();
    // Closed: its handlers are gone, the notifier still works for its owner.
    const owner: string[][] = [];
    await shared.subscribe('cancel', (ids) => owner.push(ids));
    await shared.publish('cancel', ['wf.j1.1']);
    expect(owner).toEqual([['wf.j1.1']]);
    expect(canceled).toEqual([]);
  });
});
