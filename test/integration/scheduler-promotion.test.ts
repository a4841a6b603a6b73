/**
 * Promotion and reconcile against a real SQLite store and a real redis-server.
 */
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { Notifier } from '../../src/queue/notifications.js';
import { promoteBounded } from '../../src/scheduler/promote-bounded.js';
import { promoteReadyJobs } from '../../src/scheduler/promote-ready-jobs.js';
import { reconcileQueuedJobs } from '../../src/scheduler/reconcile-queued-jobs.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { buildWorkflow, deletePrefixKeys, openSchedulerEnv, runJob, type SchedulerEnv } from './scheduler-fixtures.js';

const GIB = 1024 ** 3;
const ONE_CPU = 'c1-m1024-g0-n1-t3600';
const FOUR_CPU = 'c4-m2048-g0-n1-t3600';

describe('promotion', () => {
  const redisUrl = inject('redisUrl');
  let env: SchedulerEnv;
  const queues: Queue[] = [];
  const closers: Array<() => Promise<void>> = [];

  function openQueue(name: string): Queue {
    const q = new Queue(name, { connection: { url: redisUrl }, prefix: env.prefix });
    queues.push(q);
    return q;
  }

  /** A started workflow: a, b ready (1 CPU), big ready (4 CPUs, 2 GiB), c blocked by a. */
  async function startedWorkflow() {
    const wf = buildWorkflow(
      [{ name: 'a' }, { name: 'b' }, { name: 'big', requires: 'large' }, { name: 'c', after: ['a'] }],
      [{ name: 'large', num_cpus: 4, memory_bytes: 2 * GIB }],
    );
    await env.store.createWorkflow(wf.bundle);
    await env.store.initializeWorkflow(wf.key);
    return wf;
  }

  async function waitingIds(name: string): Promise<string[]> {
    return (await openQueue(name).getJobs(['waiting'])).map((j) => j.id!).sort();
  }

  beforeEach(async () => {
    env = await openSchedulerEnv(redisUrl);
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await env.close();
  });

  it('puts each ready job in the queue of its resource class with id workflow.job.attempt, once', async () => {
    const wf = await startedWorkflow();
    const deps = { store: env.store, producer: env.producer, notifier: env.notifier };

    expect(await promoteReadyJobs(deps)).toBe(3);
    expect(await waitingIds(`${wf.key}.${ONE_CPU}`)).toEqual([
      `${wf.key}.${wf.jobKey('a')}.1`,
      `${wf.key}.${wf.jobKey('b')}.1`,
    ]);
    expect(await waitingIds(`${wf.key}.${FOUR_CPU}`)).toEqual([`${wf.key}.${wf.jobKey('big')}.1`]);
    const counts = await env.store.statusCounts(wf.key);
    expect(counts.queued).toBe(3);
    expect(counts.blocked).toBe(1);

    // Promoting again adds nothing: the jobs are queued, no longer ready.
    expect(await promoteReadyJobs(deps)).toBe(0);
    expect(await openQueue(`${wf.key}.${ONE_CPU}`).getWaitingCount()).toBe(2);
  });

  it('claims in batches until no ready job is left, and can be limited to one workflow', async () => {
    const one = await startedWorkflow();
    const other = await startedWorkflow();
    const deps = { store: env.store, producer: env.producer, notifier: env.notifier };

    expect(await promoteReadyJobs(deps, { batch: 1, workflow: one.key })).toBe(3);
    expect((await env.store.statusCounts(other.key)).ready).toBe(3);
    expect(await promoteReadyJobs(deps, { batch: 2 })).toBe(3);
    expect(await waitingIds(`${other.key}.${ONE_CPU}`)).toHaveLength(2);
  });

  it('announces the queues it added to on the queued channel', async () => {
    const wf = await startedWorkflow();
    const listener = new Notifier(redisUrl, env.prefix);
    closers.push(() => listener.close());
    const heard: string[] = [];
    await listener.subscribe('queued', (names) => heard.push(...names));

    await promoteReadyJobs({ store: env.store, producer: env.producer, notifier: env.notifier });
    await vi.waitFor(() => expect(heard.sort()).toEqual([`${wf.key}.${ONE_CPU}`, `${wf.key}.${FOUR_CPU}`].sort()));
  });

  describe('bounded, with a bound of the waiting entries kept across passes', () => {
    it('counts the queues once for a chain of links, while the bound stays under half the floor', async () => {
      // A chain: each link ready once the one before completed.
      const wf = buildWorkflow([{ name: 'l1' }, { name: 'l2', after: ['l1'] }, { name: 'l3', after: ['l2'] }]);
      await env.store.createWorkflow(wf.bundle);
      await env.store.initializeWorkflow(wf.key);
      const counted = vi.spyOn(env.producer, 'waitingCounts');
      const deps = { store: env.store, producer: env.producer, notifier: env.notifier };
      const waitingAtMost = new Map<string, number>();
      const pass = () => promoteBounded(deps, { floor: 10, workers: [], workflows: [wf.key], waitingAtMost });
      expect((await pass()).promoted).toBe(1);
      expect(counted).toHaveBeenCalledTimes(1);
      for (const link of ['l1', 'l2']) {
        await runJob(env.store, wf.key, wf.jobKey(link));
        expect((await pass()).promoted).toBe(1);
      }
      // One count for three links: the bound (1, 2, 3 entries at most) stayed under 5.
      expect(counted).toHaveBeenCalledTimes(1);
      expect(waitingAtMost.get(wf.key)).toBe(3);
      // runJob starts jobs in the graph only: the three entries all still wait, as the bound says.
      expect(await openQueue(`${wf.key}.${ONE_CPU}`).getWaitingCount()).toBe(3);
    });

    it('counts again once the bound passes half the floor, and fills no queue past its mark', async () => {
      const wf = buildWorkflow(Array.from({ length: 8 }, (_, i) => ({ name: `j${i}` })));
      await env.store.createWorkflow(wf.bundle);
      await env.store.initializeWorkflow(wf.key);
      const counted = vi.spyOn(env.producer, 'waitingCounts');
      const deps = { store: env.store, producer: env.producer, notifier: env.notifier };
      const waitingAtMost = new Map([[wf.key, 0]]);
      const pass = () => promoteBounded(deps, { floor: 4, workers: [], workflows: [wf.key], waitingAtMost });
      // A bound of 0 (the queue known empty): the floor is promoted without a count.
      expect((await pass()).promoted).toBe(4);
      expect(counted).not.toHaveBeenCalled();
      // Bound 4, past half the floor: counted; 4 waiting is above half the mark, nothing more.
      expect((await pass()).promoted).toBe(0);
      expect(counted).toHaveBeenCalledTimes(1);
      expect(await openQueue(`${wf.key}.${ONE_CPU}`).getWaitingCount()).toBe(4);
    });
  });

  it('reconcile re-adds queued jobs whose queue entries were lost, and leaves present ones alone', async () => {
    const wf = await startedWorkflow();
    const deps = { store: env.store, producer: env.producer, notifier: env.notifier, logger: silentLogger };
    await promoteReadyJobs(deps);
    const later = new Date(Date.now() + 60_000);

    expect(await reconcileQueuedJobs(deps, { now: later })).toBe(0);
    // Young queued jobs are not touched (they may be between claim and enqueue).
    await openQueue(`${wf.key}.${FOUR_CPU}`).obliterate({ force: true });
    expect(await reconcileQueuedJobs(deps, { olderThanMs: 60_000 })).toBe(0);
    expect(await reconcileQueuedJobs(deps, { now: later })).toBe(1);
    expect(await waitingIds(`${wf.key}.${FOUR_CPU}`)).toEqual([`${wf.key}.${wf.jobKey('big')}.1`]);

    // Redis lost everything under the prefix: the queues are rebuilt from the graph.
    await deletePrefixKeys(env.redis, env.prefix);
    expect(await reconcileQueuedJobs(deps, { now: later })).toBe(3);
    expect(await waitingIds(`${wf.key}.${ONE_CPU}`)).toHaveLength(2);
    expect(await waitingIds(`${wf.key}.${FOUR_CPU}`)).toHaveLength(1);
  });

  describe('Scheduler', () => {
    function startScheduler(store: GraphStore = env.store, reconcileMs = 3_600_000) {
      const scheduler = new Scheduler({
        store,
        producer: env.producer,
        notifier: env.notifier,
        logger: silentLogger,
        reconcileMs,
      });
      closers.push(() => scheduler.stop());
      return scheduler;
    }

    it('wakes on a ready message and promotes', async () => {
      const scheduler = startScheduler();
      await scheduler.start();
      await scheduler.whenIdle();
      const wf = await startedWorkflow();
      // Nothing promotes on its own: the reconcile period is an hour.
      expect((await env.store.statusCounts(wf.key)).ready).toBe(3);

      const api = new Notifier(redisUrl, env.prefix);
      closers.push(() => api.close());
      await api.publish('ready', [wf.key]);
      await vi.waitFor(async () => expect(await openQueue(`${wf.key}.${ONE_CPU}`).getWaitingCount()).toBe(2));
      await vi.waitFor(async () => expect(await openQueue(`${wf.key}.${FOUR_CPU}`).getWaitingCount()).toBe(1));
      expect((await env.store.statusCounts(wf.key)).queued).toBe(3);
    });

    it('catches up on start: promotes jobs that became ready while no scheduler ran', async () => {
      const wf = await startedWorkflow();
      const scheduler = startScheduler();
      await scheduler.start();
      await scheduler.whenIdle();
      expect((await env.store.statusCounts(wf.key)).queued).toBe(3);
    });

    it('coalesces a burst of pokes into one more pass', async () => {
      let claims = 0;
      // The real store, counting calls (a spy, not a stand-in).
      const counting = new Proxy(env.store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop === 'claimReady') {
            return (...args: Parameters<GraphStore['claimReady']>) => {
              claims++;
              return target.claimReady(...args);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const scheduler = startScheduler(counting);
      for (let i = 0; i < 50; i++) scheduler.poke(['nope']);
      await scheduler.whenIdle();
      // The first poke starts a pass; the 49 during it make exactly one more.
      expect(claims).toBe(2);
    });

    it('survives a failing pass: the error is logged, the next poke promotes', async () => {
      const wf = await startedWorkflow();
      let failNext = true;
      // The real store, with one injected failure.
      const flaky = new Proxy(env.store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop === 'claimReady') {
            return (...args: Parameters<GraphStore['claimReady']>) => {
              if (failNext) {
                failNext = false;
                return Promise.reject(new Error('disk on fire'));
              }
              return target.claimReady(...args);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const errors: string[] = [];
      const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
      const scheduler = new Scheduler({
        store: flaky,
        producer: env.producer,
        notifier: env.notifier,
        logger,
        reconcileMs: 3_600_000,
      });
      closers.push(() => scheduler.stop());

      scheduler.poke([wf.key]);
      await scheduler.whenIdle();
      expect(errors.join('')).toContain('disk on fire');
      expect((await env.store.statusCounts(wf.key)).ready).toBe(3);

      scheduler.poke([wf.key]);
      await scheduler.whenIdle();
      expect((await env.store.statusCounts(wf.key)).queued).toBe(3);
    });

    it('runs the periodic reconcile: re-adds lost entries without any poke', async () => {
      const wf = await startedWorkflow();
      await promoteReadyJobs({ store: env.store, producer: env.producer, notifier: env.notifier });
      await deletePrefixKeys(env.redis, env.prefix);
      const scheduler = new Scheduler({
        store: env.store,
        producer: env.producer,
        notifier: env.notifier,
        logger: silentLogger,
        reconcileMs: 50,
        reconcileAgeMs: 0,
      });
      closers.push(() => scheduler.stop());
      await scheduler.start();
      await vi.waitFor(async () => expect(await openQueue(`${wf.key}.${ONE_CPU}`).getWaitingCount()).toBe(2), {
        timeout: 5000,
      });
    });

    it('stops: waits for the pass, ignores later pokes, leaves the injected clients open', async () => {
      const scheduler = startScheduler();
      await scheduler.start();
      scheduler.poke();
      await scheduler.stop();
      const wf = await startedWorkflow();
      scheduler.poke([wf.key]);
      await scheduler.whenIdle();
      expect((await env.store.statusCounts(wf.key)).ready).toBe(3);
      // Still usable by their owner.
      expect(await promoteReadyJobs({ store: env.store, producer: env.producer, notifier: env.notifier })).toBe(3);
    });
  });
});
