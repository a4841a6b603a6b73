/**
 * The lost-worker watchdog and the recovery of abandoned queue entries, in process, over a
 * real SQLite file and a real redis-server (a private one where the test flushes it).
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { until } from '../support/process-probes.js';
import { randomKey, resultKey } from '../../src/core/keys.js';
import { silentLogger } from '../../src/core/logger.js';
import { JobConsumer } from '../../src/queue/job-consumer.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Notifier } from '../../src/queue/notifications.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/queue/private-redis.js';
import { heartbeatKey, type WorkerLiveness } from '../../src/queue/worker-heartbeat.js';
import { jobPayloadOf } from '../../src/scheduler/job-payload-of.js';
import { emptyWatchdogReport, LostWorkerWatchdog } from '../../src/scheduler/lost-worker-watchdog.js';
import { reconcileQueuedJobs } from '../../src/scheduler/reconcile-queued-jobs.js';
import { specToBundle } from '../../src/workflow-spec/index.js';
import { waitFor } from '../e2e/support/cli.js';
import { identity, useWatchdogFixture } from './watchdog-fixture.js';

const fx = useWatchdogFixture();
const { twoRunningJobs, heartbeat, liveness } = fx;

/** A watchdog over `live` that would take 5 s to declare a worker lost. */
function watchdogOver(live: WorkerLiveness): LostWorkerWatchdog {
  return new LostWorkerWatchdog({
    store: fx.store,
    liveness: live,
    logger: silentLogger,
    confirmMs: 5000,
    maxLostReruns: 3,
  });
}

describe('WorkerHeartbeat', () => {
  it('keeps its key alive with a TTL while it beats and deletes it on a clean stop', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    const hb = heartbeat(redisUrl, prefix, 'wx');
    const live = liveness(redisUrl, prefix);
    expect(await live.alive(['wx'])).toEqual([false]);
    await hb.start();
    expect(await live.alive(['wx', 'other'])).toEqual([true, false]);
    const admin = new Redis(redisUrl);
    fx.defer(async () => void admin.disconnect());
    const ttl = await admin.pttl(heartbeatKey(prefix, 'wx'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await hb.stop();
    expect(await live.alive(['wx'])).toEqual([false]);
  });
});

describe('LostWorkerWatchdog', () => {
  it('declares a worker lost only after its heartbeat stayed missing for confirmMs, and re-queues its attempts', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    const { wf, a, b } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wb').start(); // wb lives; wa never beats
    const watchdog = new LostWorkerWatchdog({
      store: fx.store,
      liveness: liveness(redisUrl, prefix),
      logger: silentLogger,
      confirmMs: 5000,
      maxLostReruns: 3,
    });
    const t0 = Date.now();
    expect(await watchdog.check(t0)).toMatchObject({ lostWorkers: [], requeued: 0 });
    expect(await watchdog.check(t0 + 4999)).toMatchObject({ lostWorkers: [] });
    const report = await watchdog.check(t0 + 5000);
    expect(report).toEqual({ ...emptyWatchdogReport(), lostWorkers: ['wa'], requeued: 1, workflows: [wf] });

    expect(await fx.store.getDocument(wf, 'jobs', a)).toMatchObject({ status: 'ready', attempt: 2, lost_reruns: 1 });
    expect(await fx.store.getDocument(wf, 'jobs', b)).toMatchObject({ status: 'running', attempt: 1 });
    expect(await fx.store.getDocument(wf, 'results', resultKey(a, 1))).toMatchObject({
      status: 'failed',
      lost: true,
      message: 'worker lost',
    });
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wa`)).toMatchObject({ is_active: false });
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wb`)).toMatchObject({ is_active: true });
    const events = (await fx.store.listDocuments(wf, 'events', { filter: { type: 'worker_lost' } })).items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'system',
      worker_id: 'wa',
      compute_node: `${wf}-wa`,
      jobs: [{ job: a, attempt: 1, outcome: 'requeued', next_attempt: 2, lost_reruns: 1 }],
    });
    // Nothing left to find: a later check changes nothing.
    expect(await watchdog.check(t0 + 60_000)).toMatchObject({ lostWorkers: [] });
    expect((await fx.store.listDocuments(wf, 'results')).total).toBe(1);
  });

  it('forgets a suspicion when the heartbeat comes back', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    await twoRunningJobs();
    const watchdog = new LostWorkerWatchdog({
      store: fx.store,
      liveness: liveness(redisUrl, prefix),
      logger: silentLogger,
      confirmMs: 1000,
      maxLostReruns: 3,
    });
    const t0 = Date.now();
    await watchdog.check(t0); // both suspected
    await heartbeat(redisUrl, prefix, 'wa').start();
    await heartbeat(redisUrl, prefix, 'wb').start();
    await watchdog.check(t0 + 500); // both seen alive: suspicion dropped
    expect(await watchdog.check(t0 + 2000)).toMatchObject({ lostWorkers: [] }); // suspected afresh, not lost
  });

  it('re-queues a running attempt its live worker does not hold, once a late enough beat says so (issue 9)', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    const { wf, a, b } = await twoRunningJobs();
    // wa holds nothing (its start's answer was lost and it gave up); wb holds b.
    await heartbeat(redisUrl, prefix, 'wa', 50, () => []).start();
    await heartbeat(redisUrl, prefix, 'wb', 50, () => [{ workflow: wf, job: b, attempt: 1 }]).start();
    const live = liveness(redisUrl, prefix);
    const watchdog = watchdogOver(live);
    const seqOf = async () => (await live.heartbeats(['wa']))[0]!.report!.seq;
    // The first look only suspects (the race rule is unit-tested in unheld-attempts.test.ts).
    expect(await watchdog.check()).toMatchObject({ notHeld: 0, requeued: 0 });
    const seen = await seqOf(); // at least the beat that check saw
    await until(async () => (await seqOf()) >= seen + 2, 5000);
    const report = await watchdog.check();
    expect(report).toEqual({ ...emptyWatchdogReport(), requeued: 1, notHeld: 1, workflows: [wf] });

    expect(await fx.store.getDocument(wf, 'jobs', a)).toMatchObject({ status: 'ready', attempt: 2, lost_reruns: 1 });
    expect(await fx.store.getDocument(wf, 'jobs', b)).toMatchObject({ status: 'running', attempt: 1 });
    expect(await fx.store.getDocument(wf, 'results', resultKey(a, 1))).toMatchObject({
      lost: true,
      message: 'not held by its worker',
    });
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wa`)).toMatchObject({ is_active: true });
    const events = (await fx.store.listDocuments(wf, 'events', { filter: { type: 'attempt_not_held' } })).items;
    expect(events).toEqual([
      expect.objectContaining({
        worker_id: 'wa',
        compute_node: `${wf}-wa`,
        jobs: [{ job: a, attempt: 1, outcome: 'requeued', next_attempt: 2, lost_reruns: 1 }],
      }),
    ]);
    expect((await fx.store.listDocuments(wf, 'events', { filter: { type: 'worker_lost' } })).total).toBe(0);
  });

  it('leaves alone the attempts of a worker whose beats list nothing (an older worker)', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    const { wf } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wa', 50).start();
    await heartbeat(redisUrl, prefix, 'wb', 50).start();
    const admin = new Redis(redisUrl);
    fx.defer(async () => void admin.disconnect());
    // An older worker writes a bare time: no report at all.
    await admin.set(heartbeatKey(prefix, 'wb'), new Date().toISOString(), 'PX', 60_000);
    const live = liveness(redisUrl, prefix);
    const watchdog = watchdogOver(live);
    const start = (await live.heartbeats(['wa']))[0]!.report!.seq;
    await watchdog.check();
    await until(async () => (await live.heartbeats(['wa']))[0]!.report!.seq >= start + 4, 5000);
    expect(await watchdog.check()).toMatchObject({ notHeld: 0, requeued: 0, lostWorkers: [] });
    expect(await fx.store.statusCounts(wf)).toMatchObject({ running: 2 });
  });

  describe('with a private redis-server', () => {
    let redis: PrivateRedis;
    beforeEach(async () => {
      redis = await startPrivateRedis();
    });
    afterEach(async () => {
      await fx.closeAll();
      await redis.stop();
    });

    it('does not declare live workers lost when Redis loses every key (FLUSHALL)', async () => {
      const prefix = `t-${randomKey(6)}`;
      const { wf } = await twoRunningJobs();
      await heartbeat(redis.url, prefix, 'wa').start();
      await heartbeat(redis.url, prefix, 'wb').start();
      const confirmMs = 100; // = the heartbeat interval, as services.ts wires it
      const watchdog = new LostWorkerWatchdog({
        store: fx.store,
        liveness: liveness(redis.url, prefix),
        logger: silentLogger,
        confirmMs,
        maxLostReruns: 3,
      });
      const admin = new Redis(redis.url);
      fx.defer(async () => void admin.disconnect());
      await admin.flushall();
      expect(await admin.exists(heartbeatKey(prefix, 'wa'))).toBe(0);
      const t0 = Date.now();
      expect(await watchdog.check(t0)).toMatchObject({ lostWorkers: [] });
      // The live workers set their keys again within one heartbeat interval; the second look,
      // a full confirmMs after the first, finds them.
      const live = liveness(redis.url, prefix);
      await waitFor(async () => ((await live.alive(['wa', 'wb'])).every(Boolean) ? true : undefined), 5000, 'beats');
      expect(await watchdog.check(t0 + confirmMs)).toMatchObject({ lostWorkers: [] });
      expect(await fx.store.statusCounts(wf)).toMatchObject({ running: 2 });
    });
  });
});

describe('reconcile of abandoned queue entries', () => {
  it('re-adds an entry a vanished worker left active (taken, never acked) once its lock is gone', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = `t-${randomKey(6)}`;
    const producer = new JobProducer({ redisUrl, prefix });
    const notifier = new Notifier(redisUrl, prefix);
    const consumer = new JobConsumer({ redisUrl, prefix });
    fx.defer(
      () => producer.close(),
      () => notifier.close(),
      () => consumer.close(),
    );
    const wf = (await fx.store.createWorkflow(specToBundle({ name: 'stuck', jobs: [{ name: 'a', command: 'true' }] })))
      ._key;
    await fx.store.initializeWorkflow(wf);
    const claimed = await fx.store.claimReady(10, wf);
    const [queue] = await producer.enqueue(claimed.map(jobPayloadOf));
    const later = new Date(Date.now() + 60_000);

    const taken = await consumer.take(queue!);
    expect(taken?.payload.job).toBe(claimed[0]!.job);
    // Taken and locked: the entry is present and not abandoned.
    expect(await reconcileQueuedJobs({ store: fx.store, producer, notifier }, { olderThanMs: 0, now: later })).toBe(0);
    expect(await consumer.take(queue!)).toBeUndefined();

    // The worker died: its lock expires (deleted here instead of waiting 30 s).
    const admin = new Redis(redisUrl);
    fx.defer(async () => void admin.disconnect());
    await admin.del(`${prefix}:${queue}:${taken!.id}:lock`);
    expect(await reconcileQueuedJobs({ store: fx.store, producer, notifier }, { olderThanMs: 0, now: later })).toBe(1);
    const again = await consumer.take(queue!);
    expect(again?.id).toBe(taken!.id);
    // Re-added once: a second reconcile while it is locked again adds nothing.
    expect(await reconcileQueuedJobs({ store: fx.store, producer, notifier }, { olderThanMs: 0, now: later })).toBe(0);
    expect(await consumer.take(queue!)).toBeUndefined();
    // The entry was handed out twice; should the first taker still be alive, the graph starts the attempt once.
    const starts = [taken!, again!].map((t) => ({
      workflow: wf,
      job: t.payload.job,
      attempt: t.payload.attempt,
      worker: identity(t === taken ? 'first' : 'second'),
    }));
    const outcomes = [...(await fx.store.startAttempts([starts[0]!])), ...(await fx.store.startAttempts([starts[1]!]))];
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
  });
});
