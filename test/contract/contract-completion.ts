/**
 * GraphStore contract, part: completeAttempts, statusCounts, finishWorkflowIfDone, failJobs.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/core/errors.js';
import { resultKey } from '../../src/core/keys.js';
import { JOB_STATUSES } from '../../src/core/model.js';
import type { ContractFixture } from './contract-fixture.js';

export function completionContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion, run } = fx;
  describe('completeAttempts', () => {
    it('unblocks a diamond in order', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c', 'd'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['a', 'c'],
            ['b', 'd'],
            ['c', 'd'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      expect(await store.getDocument(wf, 'jobs', k('d'))).toMatchObject({ status: 'blocked', unfinished_blockers: 2 });
      expect((await run('a')).newly_ready).toBe(2);
      expect([await status('b'), await status('c'), await status('d')]).toEqual(['ready', 'ready', 'blocked']);
      expect((await run('b')).newly_ready).toBe(0);
      expect(await store.getDocument(wf, 'jobs', k('d'))).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      expect((await run('c')).newly_ready).toBe(1);
      expect(await status('d')).toBe('ready');
      await run('d');
      expect(await store.statusCounts(wf)).toMatchObject({ completed: 4, ready: 0, blocked: 0 });
    });

    it('records the result and returned edge, and is idempotent per (job, attempt)', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const req = completion('a');
      const [first] = await store.completeAttempts([req]);
      expect(first).toEqual({ ok: true, duplicate: false, result: resultKey(k('a'), 1), newly_ready: 1 });
      const result = await store.getDocument(wf, 'results', resultKey(k('a'), 1));
      expect(result).toMatchObject({
        job: k('a'),
        attempt: 1,
        status: 'completed',
        return_code: 0,
        exec_time_s: 1.5,
        completion_time: req.completion_time,
        compute_node: req.compute_node,
        stdout_path: '/logs/a.o',
      });
      expect((await store.listEdges(wf, 'returned')).items.map((e) => [e._from, e._to])).toEqual([
        [`jobs/${k('a')}`, `results/${resultKey(k('a'), 1)}`],
      ]);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({
        status: 'completed',
        finished_at: expect.any(String),
      });
      const again = await store.completeAttempts([req, { ...req, status: 'failed' }]);
      expect(again).toEqual([
        { ok: true, duplicate: true, result: resultKey(k('a'), 1), newly_ready: 0 },
        { ok: true, duplicate: true, result: resultKey(k('a'), 1), newly_ready: 0 },
      ]);
      expect(await status('a')).toBe('completed');
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
      expect((await store.listDocuments(wf, 'results')).total).toBe(1);
    });

    it('stores the resource usage and the GPUs of a result as reported', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const resource_usage = {
        gpu_ids: ['1', 'GPU-5'],
        requested: { num_cpus: 2, memory_bytes: 1024 ** 3, num_gpus: 2 },
        samples: 3,
        peak_memory_bytes: 210_000_000,
        avg_memory_bytes: 150_000_000,
        peak_cpu_percent: 198.5,
        avg_cpu_percent: 120.25,
        cpu_time_s: 3.5,
        out_of_memory: { limit_bytes: 2 * 1024 ** 3, peak_bytes: 2.5 * 1024 ** 3 },
        time_series: [
          { t_s: 0, memory_bytes: 1_000_000, cpu_percent: 0 },
          { t_s: 1, memory_bytes: 210_000_000, cpu_percent: 198.5 },
        ],
      };
      await store.completeAttempts([{ ...completion('a'), status: 'failed', return_code: 137, resource_usage }]);
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        status: 'failed',
        return_code: 137,
        resource_usage,
      });
    });

    it('refuses unknown jobs and jobs not running at that attempt', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const outcomes = await store.completeAttempts([
        completion('zz'),
        completion('b'),
        completion('a', 'completed', 2),
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, false, false]);
      expect(outcomes[0]).toMatchObject({ reason: expect.any(String) });
      expect(await status('a')).toBe('running');
      expect(await status('b')).toBe('queued');
      expect((await store.listDocuments(wf, 'results')).total).toBe(0);
    });

    it('cancels dependents down a chain after a failure when they cancel on blocking failure', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      expect((await run('a', 'failed')).newly_ready).toBe(0);
      expect([await status('a'), await status('b'), await status('c')]).toEqual(['failed', 'canceled', 'canceled']);
      const done = await store.finishWorkflowIfDone(wf);
      expect(done).toMatchObject({ status: 'failed', finished_at: expect.any(String) });
    });

    it('readies a dependent after a failure when it does not cancel on blocking failure', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', { name: 'b', cancel_on_blocking_job_failure: false }, 'c'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      expect((await run('a', 'terminated')).newly_ready).toBe(1);
      expect([await status('b'), await status('c')]).toEqual(['ready', 'blocked']);
      await run('b');
      expect(await status('c')).toBe('ready');
    });
    it('lets dependents of a failed job run when they do not set cancel_on_blocking_job_failure (the default)', async () => {
      const { store, wf } = fx;
      await store.createWorkflow({
        workflow: {
          _key: wf,
          _id: `workflows/${wf}`,
          name: 'defaults',
          status: 'created',
          created_at: new Date().toISOString(),
        },
        documents: {},
        edges: {},
      });
      const a = await store.insertDocument(wf, 'jobs', { _key: fx.k('a'), name: 'a', command: 'false' });
      const b = await store.insertDocument(wf, 'jobs', { _key: fx.k('b'), name: 'b', command: 'true' });
      expect(b).toMatchObject({
        cancel_on_blocking_job_failure: false,
        supports_termination: false,
        status: 'uninitialized',
      });
      await store.insertEdge(wf, 'blocks', { _from: a._id, _to: b._id });
      await store.initializeWorkflow(wf);
      expect((await run('a', 'failed')).newly_ready).toBe(1);
      expect(await status('b')).toBe('ready');
    });
  });

  describe('lifecycle events', () => {
    it('start and completion write their events in the same transaction, once per attempt', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.completeAttempts([completion('a', 'failed')]);
      await store.completeAttempts([completion('a', 'failed')]); // duplicate: no second event
      const events = (await store.listDocuments(wf, 'events', { limit: 100 })).items;
      const lifecycle = events
        .filter((e) => e.source === 'system' && e.job === k('a'))
        .map((e) => [e.type, e.attempt, e.status ?? null]);
      expect(lifecycle).toEqual([
        ['job_started', 1, null],
        ['job_failed', 1, 'failed'],
      ]);
    });
  });

  describe('workflow completion', () => {
    it('counts every status, zeros included', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', { name: 'c', status: 'disabled' }], edges: { blocks: [['a', 'b']] } });
      const before = await store.statusCounts(wf);
      expect(Object.keys(before).sort()).toEqual([...JOB_STATUSES].sort());
      expect(before).toMatchObject({ uninitialized: 2, disabled: 1, ready: 0 });
      await store.initializeWorkflow(wf);
      await run('a');
      expect(await store.statusCounts(wf)).toEqual({ ...before, uninitialized: 0, completed: 1, ready: 1 });
    });

    it('finishes a workflow once every job is final: completed, idempotently', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', { name: 'off', status: 'disabled' }], edges: { blocks: [['a', 'b']] } });
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      await store.initializeWorkflow(wf);
      await run('a');
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      expect((await store.getWorkflow(wf)).status).toBe('running');
      await run('b');
      const done = await store.finishWorkflowIfDone(wf);
      expect(done).toMatchObject({ _key: wf, status: 'completed', finished_at: expect.any(String) });
      expect(await store.getWorkflow(wf)).toEqual(done);
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      expect(await store.getWorkflow(wf)).toEqual(done);
      expect(await store.listWorkflowKeys('completed')).toEqual([wf]);
      expect(await store.listWorkflowKeys('running')).toEqual([]);
    });

    it('fails jobs with a message and propagates like a failed completion', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', { name: 'c', cancel_on_blocking_job_failure: false }, 'd'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['a', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      await store.failJobs(wf, [k('a')], 'needs 64 GPUs');
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'failed', message: 'needs 64 GPUs' });
      expect([await status('b'), await status('c'), await status('d')]).toEqual(['canceled', 'ready', 'ready']);
      expect((await store.listDocuments(wf, 'results')).total).toBe(0);
      // Failing a job already final changes nothing.
      await store.failJobs(wf, [k('a')], 'again');
      expect((await store.getDocument(wf, 'jobs', k('a'))).message).toBe('needs 64 GPUs');
      await expect(store.failJobs(wf, [k('zz')], 'x')).rejects.toBeInstanceOf(NotFoundError);
      await store.failJobs(wf, [k('c'), k('d')], 'lost worker');
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'failed' });
    });
  });
}
