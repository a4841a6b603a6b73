/**
 * The smaller liveness gaps of issue 9 (item 5), over a real SQLite file and a real
 * redis-server: a worker that dies while idle, one wrongly declared lost, one that dies
 * holding a canceled attempt, and one that missed the `cancel` message (the last with a real
 * worker, API and scheduler).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomKey, resultKey } from '../../src/core/keys.js';
import { silentLogger } from '../../src/core/logger.js';
import type { CompleteRequest } from '../../src/graph/graph-store.js';
import { Notifier } from '../../src/queue/notifications.js';
import { bullJobId } from '../../src/queue/queue-names.js';
import { heartbeatKey } from '../../src/queue/worker-heartbeat.js';
import { LostWorkerWatchdog } from '../../src/scheduler/lost-worker-watchdog.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { waitFor } from '../e2e/support/cli.js';
import { identity, useWatchdogFixture } from './watchdog-fixture.js';
import { openWorkerStack, type WorkerStack } from './worker-fixture.js';

const redisUrl = inject('redisUrl');
const fx = useWatchdogFixture();
const { twoRunningJobs, heartbeat, liveness } = fx;

function watchdog(prefix: string, confirmMs: number, notifier?: Notifier): LostWorkerWatchdog {
  return new LostWorkerWatchdog({
    store: fx.store,
    liveness: liveness(redisUrl, prefix),
    notifier,
    logger: silentLogger,
    confirmMs,
    maxLostReruns: 3,
  });
}

/** The report a worker sends for attempt 1 of `job` on its node. */
function report(wf: string, job: string, worker: string, status: CompleteRequest['status']): CompleteRequest {
  return {
    workflow: wf,
    job,
    attempt: 1,
    status,
    return_code: status === 'completed' ? 0 : 143,
    exec_time_s: 0,
    completion_time: new Date().toISOString(),
    compute_node: `${wf}-${worker}`,
  };
}

async function events(wf: string, type: string) {
  return (await fx.store.listDocuments(wf, 'events', { filter: { type } })).items;
}

describe('lost-worker watchdog: liveness gaps', () => {
  it('marks the node of a worker that died while idle inactive, with an event, once its heartbeat expired', async () => {
    const prefix = `t-${randomKey(6)}`;
    const { wf, b } = await twoRunningJobs();
    // wb finishes its job: it is idle, its node still active. wa lives.
    await fx.store.completeAttempts([report(wf, b, 'wb', 'completed')]);
    await heartbeat(redisUrl, prefix, 'wa').start();
    const admin = new Redis(redisUrl);
    fx.defer(async () => void admin.disconnect());
    // wb's last beat; it dies idle and never beats again.
    const ttlMs = 300;
    const confirmMs = 200;
    const died = Date.now(); // before the beat: its key lives at least ttlMs from here
    await admin.set(heartbeatKey(prefix, 'wb'), 'last beat', 'PX', ttlMs);
    const dog = watchdog(prefix, confirmMs);
    const found = await waitFor(
      async () => {
        const r = await dog.check();
        return r.inactive.length > 0 ? r : undefined;
      },
      10_000,
      'the idle node marked inactive',
    );
    const detectedMs = Date.now() - died;
    expect(found).toMatchObject({ lostWorkers: ['wb'], inactive: [`${wf}-wb`], requeued: 0, failed: 0 });
    // Its key expired after ttlMs; the second look confirmMs later (plus one polling step) declares it.
    expect(detectedMs).toBeGreaterThanOrEqual(ttlMs + confirmMs);
    expect(detectedMs).toBeLessThan(ttlMs + confirmMs + 1000);
    console.info(
      `idle death: node marked inactive ${detectedMs} ms after the last beat (TTL ${ttlMs} ms, confirmMs ${confirmMs} ms)`,
    );
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wb`)).toMatchObject({
      is_active: false,
      lost_at: expect.any(String),
    });
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wa`)).toMatchObject({ is_active: true });
    expect(await events(wf, 'worker_inactive')).toEqual([
      expect.objectContaining({ source: 'system', worker_id: 'wb', compute_node: `${wf}-wb` }),
    ]);
    expect(await events(wf, 'worker_lost')).toEqual([]);
    // Marked once.
    expect(await dog.check()).toMatchObject({ lostWorkers: [], inactive: [] });
    expect(await events(wf, 'worker_inactive')).toHaveLength(1);
  });

  it('makes a worker wrongly declared lost active again when its heartbeat comes back, and it takes work', async () => {
    const prefix = `t-${randomKey(6)}`;
    const { wf, a } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wb').start();
    const dog = watchdog(prefix, 1000);
    const t0 = Date.now();
    await dog.check(t0);
    // wa is cut off from Redis (not dead) for longer than confirmMs: declared lost, its attempt re-queued.
    expect(await dog.check(t0 + 1000)).toMatchObject({ lostWorkers: ['wa'], requeued: 1 });
    const lostNode = await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wa`);
    expect(lostNode).toMatchObject({ is_active: false, lost_at: expect.any(String) });

    await heartbeat(redisUrl, prefix, 'wa').start(); // reconnected
    expect(await dog.check(t0 + 2000)).toMatchObject({ lostWorkers: [], returned: [`${wf}-wa`] });
    expect(await fx.store.getDocument(wf, 'compute_nodes', `${wf}-wa`)).toMatchObject({
      is_active: true,
      returned_at: expect.any(String),
    });
    expect(await events(wf, 'worker_returned')).toEqual([
      expect.objectContaining({ worker_id: 'wa', compute_node: `${wf}-wa`, inactive_since: lostNode.lost_at }),
    ]);

    // It takes work: the re-run of `a` starts on it, runs there, and it is not declared lost again.
    expect((await fx.store.claimReady(10, wf)).map((c) => [c.job, c.attempt])).toEqual([[a, 2]]);
    const [started] = await fx.store.startAttempts([{ workflow: wf, job: a, attempt: 2, worker: identity('wa') }]);
    expect(started).toMatchObject({ ok: true, compute_node: `${wf}-wa` });
    expect(await dog.check(t0 + 5000)).toMatchObject({ lostWorkers: [], returned: [] });
    expect(await fx.store.getDocument(wf, 'jobs', a)).toMatchObject({ status: 'running', attempt: 2 });
    expect(await events(wf, 'worker_returned')).toHaveLength(1);
  });

  it('gives a canceled attempt of a worker that died its canceled result: every attempt gets exactly one', async () => {
    const prefix = `t-${randomKey(6)}`;
    const { wf, a, b } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wb').start(); // wa is dead
    await fx.store.cancelWorkflow(wf); // both were running
    const dog = watchdog(prefix, 1000);
    const t0 = Date.now();
    await dog.check(t0);
    expect(await dog.check(t0 + 1000)).toMatchObject({ lostWorkers: ['wa'], canceled: 1, requeued: 0 });
    expect(await fx.store.getDocument(wf, 'results', resultKey(a, 1))).toMatchObject({
      status: 'canceled',
      lost: true,
      return_code: -1,
    });
    expect(await fx.store.getDocument(wf, 'jobs', a)).toMatchObject({ status: 'canceled', attempt: 1 });
    expect(await events(wf, 'worker_lost')).toEqual([
      expect.objectContaining({ worker_id: 'wa', jobs: [{ job: a, attempt: 1, outcome: 'canceled' }] }),
    ]);
    // wb lives and reports its terminated attempt: recorded canceled as usual.
    const [reported] = await fx.store.completeAttempts([report(wf, b, 'wb', 'terminated')]);
    expect(reported).toMatchObject({ ok: true, canceled: true });
    const results = (await fx.store.listDocuments(wf, 'results')).items;
    expect(results.map((r) => [r.job, r.attempt, r.status]).sort()).toEqual(
      [
        [a, 1, 'canceled'],
        [b, 1, 'canceled'],
      ].sort(),
    );
    expect(await dog.check(t0 + 5000)).toMatchObject({ lostWorkers: [], canceled: 0 });
    expect(await fx.store.listCanceledAttempts(100)).toEqual([]);
  });

  it('announces the cancellation of an attempt again while its live worker has not reported it', async () => {
    const prefix = `t-${randomKey(6)}`;
    const { wf, a } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wa').start();
    await heartbeat(redisUrl, prefix, 'wb').start();
    const notifier = new Notifier(redisUrl, prefix);
    const listener = new Notifier(redisUrl, prefix);
    fx.defer(
      () => notifier.close(),
      () => listener.close(),
    );
    const heard: string[][] = [];
    await listener.subscribe('cancel', (ids) => heard.push(ids)); // resolves once subscribed
    // Straight to the store: the API's `cancel` message never goes out, as if every worker missed it.
    await fx.store.cancelJob(wf, a);
    const dog = watchdog(prefix, 1000, notifier);
    const id = bullJobId(wf, a, 1);
    expect(await dog.check()).toMatchObject({ lostWorkers: [], cancelAnnounced: [id] });
    await waitFor(() => (heard.length > 0 ? true : undefined), 5000, 'the cancel message');
    expect(heard).toEqual([[id]]);
    // Reported: nothing more to announce.
    await fx.store.completeAttempts([report(wf, a, 'wa', 'terminated')]);
    expect(await dog.check()).toMatchObject({ cancelAnnounced: [] });
  });

  it('still declares a dead worker lost when announcing a cancellation again fails', async () => {
    const prefix = `t-${randomKey(6)}`;
    const { wf, b } = await twoRunningJobs();
    await heartbeat(redisUrl, prefix, 'wa').start(); // wa lives and holds a canceled attempt; wb is dead
    await fx.store.cancelWorkflow(wf);
    const gone = new Notifier(redisUrl, prefix);
    await gone.close(); // its connection is closed: every publish fails
    const dog = watchdog(prefix, 1000, gone);
    const t0 = Date.now();
    expect(await dog.check(t0)).toMatchObject({ cancelAnnounced: [] });
    expect(await dog.check(t0 + 1000)).toMatchObject({ lostWorkers: ['wb'], canceled: 1, cancelAnnounced: [] });
    expect(await fx.store.getDocument(wf, 'results', resultKey(b, 1))).toMatchObject({ status: 'canceled' });
  });
});

describe('a worker that missed the cancel message', () => {
  let stack: WorkerStack | undefined;
  let handle: WorkerHandle | undefined;
  afterEach(async () => {
    await handle?.stop();
    await stack?.close();
  });

  it('terminates the canceled job once the scheduler announces it again', async () => {
    stack = await openWorkerStack(redisUrl, { watchdogConfirmMs: 1000 });
    const wf = await stack.create({ name: 'missed-cancel', jobs: [{ name: 'long', command: 'sleep 300' }] });
    handle = await startWorker({
      apiUrl: stack.api.url,
      num_cpus: 1,
      memory_bytes: 1024 ** 3,
      num_gpus: 0,
      workflow: wf,
      cwd: stack.dir,
      idlePollMs: 100,
      terminateGraceMs: 2000,
    });
    await stack.start(wf);
    const long = await waitFor(
      async () => {
        const job = (await stack!.jobs(wf)).get('long')!;
        return job.status === 'running' ? job : undefined;
      },
      10_000,
      'the job running',
    );
    // Straight to the store: the API's `cancel` message never goes out, as if the worker missed it.
    const canceledAt = Date.now();
    await stack.store.cancelJob(wf, long._key);
    const result = await waitFor(async () => (await stack!.results(wf)).get(long._key), 15_000, 'its result');
    const tookMs = Date.now() - canceledAt;
    expect(result).toMatchObject({ status: 'canceled', attempt: 1, return_code: 143 });
    expect(result.message).toMatch(/worker reported terminated/);
    // One reconcile period (500 ms here) to be told, SIGTERM, the report: well under the 300 s it would run.
    expect(tookMs).toBeLessThan(5000);
    console.info(`missed cancel: the job was terminated and reported ${tookMs} ms after its cancellation`);
    // The workflow is over (its only job canceled): the worker bound to it ends.
    expect(await handle.done).toBe(0);
  });
});
