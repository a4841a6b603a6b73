/**
 * Workflow completion, startWorkflow, feasibility and a chain driven end to end through
 * the `ready` channel — real SQLite store, real redis-server.
 */
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { WorkflowDoc } from '../../src/core/model.js';
import { Notifier } from '../../src/queue/notifications.js';
import { findUnsatisfiableJobs } from '../../src/scheduler/find-unsatisfiable-jobs.js';
import { finishWorkflows } from '../../src/scheduler/finish-workflows.js';
import { promoteReadyJobs } from '../../src/scheduler/promote-ready-jobs.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { startWorkflow } from '../../src/scheduler/start-workflow.js';
import { buildWorkflow, openSchedulerEnv, runJob, type SchedulerEnv } from './scheduler-fixtures.js';

const GIB = 1024 ** 3;

describe('workflow completion', () => {
  const redisUrl = inject('redisUrl');
  let env: SchedulerEnv;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    env = await openSchedulerEnv(redisUrl);
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await env.close();
  });

  async function finishedEvents(workflow: string) {
    const page = await env.store.listDocuments(workflow, 'events', { filter: { type: 'workflow_finished' } });
    return page.items;
  }

  function startScheduler(onWorkflowFinished?: (wf: WorkflowDoc) => void): Scheduler {
    const scheduler = new Scheduler({
      store: env.store,
      producer: env.producer,
      notifier: env.notifier,
      logger: silentLogger,
      reconcileMs: 3_600_000,
      onWorkflowFinished,
    });
    closers.push(() => scheduler.stop());
    return scheduler;
  }

  it('finishes a workflow whose jobs all completed, once, with one event, however often poked', async () => {
    const wf = buildWorkflow([{ name: 'a' }, { name: 'b', after: ['a'] }]);
    await env.store.createWorkflow(wf.bundle);
    const finished: WorkflowDoc[] = [];
    const scheduler = startScheduler((doc) => finished.push(doc));
    await scheduler.start();
    await startWorkflow({ store: env.store, scheduler }, wf.key);
    await scheduler.whenIdle();
    expect((await env.store.getWorkflow(wf.key)).status).toBe('running');
    expect((await env.store.listDocuments(wf.key, 'events', { filter: { type: 'workflow_started' } })).total).toBe(1);

    await runJob(env.store, wf.key, wf.jobKey('a'));
    scheduler.poke([wf.key]);
    await scheduler.whenIdle();
    expect((await env.store.statusCounts(wf.key)).queued).toBe(1);
    expect(finished).toEqual([]);

    await runJob(env.store, wf.key, wf.jobKey('b'));
    scheduler.poke([wf.key]);
    scheduler.poke([wf.key]);
    await scheduler.whenIdle();
    scheduler.poke([wf.key]);
    await scheduler.whenIdle();

    const doc = await env.store.getWorkflow(wf.key);
    expect(doc.status).toBe('completed');
    expect(finished.map((d) => [d._key, d.status])).toEqual([[wf.key, 'completed']]);
    const events = await finishedEvents(wf.key);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      workflow: wf.key,
      source: 'system',
      type: 'workflow_finished',
      status: 'completed',
    });
  });

  it('marks a workflow failed when a job failed (its dependent canceled)', async () => {
    const wf = buildWorkflow([{ name: 'a' }, { name: 'b', after: ['a'] }, { name: 'c' }]);
    await env.store.createWorkflow(wf.bundle);
    await env.store.initializeWorkflow(wf.key);
    const deps = { store: env.store, producer: env.producer, notifier: env.notifier };
    await promoteReadyJobs(deps);
    await runJob(env.store, wf.key, wf.jobKey('a'), 'failed');
    expect(await finishWorkflows({ store: env.store }, [wf.key])).toEqual([]);
    await runJob(env.store, wf.key, wf.jobKey('c'));

    const first = await finishWorkflows({ store: env.store }, [wf.key, wf.key]);
    expect(first.map((d) => d.status)).toEqual(['failed']);
    expect(await finishWorkflows({ store: env.store }, [wf.key])).toEqual([]);
    const events = await finishedEvents(wf.key);
    expect(events.map((e) => e.status)).toEqual(['failed']);
  });

  it('finishes an empty started workflow right away, and skips unknown workflows', async () => {
    const wf = buildWorkflow([{ name: 'off', disabled: true }]);
    await env.store.createWorkflow(wf.bundle);
    const finished: string[] = [];
    const scheduler = startScheduler((doc) => finished.push(doc.status));
    await scheduler.start();
    await startWorkflow({ store: env.store, scheduler }, wf.key);
    scheduler.poke(['no-such-workflow']);
    await scheduler.whenIdle();
    expect(finished).toEqual(['completed']);
  });

  it('the periodic reconcile finishes running workflows nobody poked', async () => {
    const wf = buildWorkflow([{ name: 'a' }]);
    await env.store.createWorkflow(wf.bundle);
    await env.store.initializeWorkflow(wf.key);
    await promoteReadyJobs({ store: env.store, producer: env.producer, notifier: env.notifier });
    await runJob(env.store, wf.key, wf.jobKey('a'));
    const scheduler = new Scheduler({
      store: env.store,
      producer: env.producer,
      notifier: env.notifier,
      logger: silentLogger,
      reconcileMs: 50,
    });
    closers.push(() => scheduler.stop());
    await scheduler.start();
    await vi.waitFor(async () => expect((await env.store.getWorkflow(wf.key)).status).toBe('completed'), {
      timeout: 5000,
    });
    expect(await finishedEvents(wf.key)).toHaveLength(1);
  });

  it('drives a chain through ready messages: each completion promotes the next link', async () => {
    const n = 30;
    const names = Array.from({ length: n }, (_, i) => `j${i}`);
    const wf = buildWorkflow(names.map((name, i) => ({ name, after: i > 0 ? [names[i - 1]!] : [] })));
    await env.store.createWorkflow(wf.bundle);
    let resolveDone!: (wf: WorkflowDoc) => void;
    const done = new Promise<WorkflowDoc>((resolve) => (resolveDone = resolve));
    const scheduler = startScheduler((doc) => resolveDone(doc));
    await scheduler.start();
    await startWorkflow({ store: env.store, scheduler }, wf.key);
    const api = new Notifier(redisUrl, env.prefix);
    closers.push(() => api.close());
    const queue = new Queue(`${wf.key}.c1-m1024-g0-n1-t3600`, { connection: { url: redisUrl }, prefix: env.prefix });
    closers.push(() => queue.close());

    // The test plays worker and API: take the one waiting entry, run it, announce `ready`.
    for (const name of names) {
      const id = `${wf.key}.${wf.jobKey(name)}.1`;
      await vi.waitFor(async () => expect((await queue.getJobs(['waiting'])).map((j) => j.id)).toEqual([id]), {
        timeout: 5000,
        interval: 5,
      });
      await queue.remove(id);
      await runJob(env.store, wf.key, wf.jobKey(name));
      await api.publish('ready', [wf.key]);
    }
    expect((await done).status).toBe('completed');
    expect((await env.store.statusCounts(wf.key)).completed).toBe(n);
  });
});

describe('findUnsatisfiableJobs', () => {
  const redisUrl = inject('redisUrl');
  let env: SchedulerEnv;

  beforeEach(async () => {
    env = await openSchedulerEnv(redisUrl);
  });
  afterEach(async () => {
    await env.close();
  });

  it('names each job that no worker of the capacity can run, with the reason', async () => {
    const wf = buildWorkflow(
      [
        { name: 'small' },
        { name: 'huge', requires: 'many-cpus' },
        { name: 'gpu', requires: 'gpu' },
        { name: 'mpi', requires: 'mpi' },
        { name: 'huge-off', requires: 'many-cpus', disabled: true },
      ],
      [
        { name: 'many-cpus', num_cpus: 64 },
        { name: 'gpu', num_cpus: 1, num_gpus: 1, memory_bytes: 16 * GIB },
        { name: 'mpi', num_cpus: 2, num_nodes: 4 },
      ],
    );
    await env.store.createWorkflow(wf.bundle);

    const found = await findUnsatisfiableJobs(env.store, wf.key, { num_cpus: 2, memory_bytes: 8 * GIB, num_gpus: 0 });
    const byName = Object.fromEntries(found.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['gpu', 'huge', 'mpi']);
    expect(byName.huge!.job).toBe(wf.jobKey('huge'));
    expect(byName.huge!.reason).toBe('needs 64 CPUs, the largest worker has 2');
    expect(byName.gpu!.reason).toBe(
      'needs 16g of memory, the largest worker has 8g; needs 1 GPU, the largest worker has 0',
    );
    expect(byName.mpi!.reason).toBe('needs 4 nodes, a single worker provides 1');
    expect(byName.huge!.resources.num_cpus).toBe(64);

    expect(
      await findUnsatisfiableJobs(env.store, wf.key, { num_cpus: 64, memory_bytes: 16 * GIB, num_gpus: 1 }),
    ).toEqual([expect.objectContaining({ name: 'mpi' })]);
  });
});
