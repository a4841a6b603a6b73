/**
 * GraphStore contract, part: cancelWorkflow, cancelJob, and completeAttempts for an attempt
 * a cancellation caught running.
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError, NotFoundError } from '../../src/core/errors.js';
import { resultKey } from '../../src/core/keys.js';
import type { ContractFixture } from './contract-fixture.js';

export function cancelContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion } = fx;

  describe('cancelWorkflow', () => {
    it('cancels every unfinished job in one step and reports the running and queued attempts', async () => {
      const { store, wf } = fx;
      // a completed; b running; c queued; d ready (after a); e blocked behind b.
      await create({
        jobs: ['a', 'b', 'c', 'd', 'e', { name: 'off', status: 'disabled' }],
        edges: {
          blocks: [
            ['a', 'd'],
            ['b', 'e'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await start('b');
      await store.completeAttempts([completion('a')]);
      expect([await status('c'), await status('d'), await status('e')]).toEqual(['queued', 'ready', 'blocked']);

      const outcome = await store.cancelWorkflow(wf, 'user asked');
      expect(outcome.workflow).toMatchObject({ _key: wf, status: 'canceled', finished_at: expect.any(String) });
      expect([...outcome.canceled].sort()).toEqual([k('b'), k('c'), k('d'), k('e')].sort());
      expect(outcome.running).toEqual([{ job: k('b'), attempt: 1 }]);
      expect(outcome.queued).toEqual([{ job: k('c'), attempt: 1 }]);
      expect(outcome.newly_ready).toBe(0);

      expect(await store.getWorkflow(wf)).toMatchObject({ status: 'canceled', finished_at: expect.any(String) });
      expect(await store.statusCounts(wf)).toMatchObject({
        completed: 1,
        canceled: 4,
        disabled: 1,
        running: 0,
        queued: 0,
        ready: 0,
        blocked: 0,
      });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({
        status: 'canceled',
        canceled_from: 'running',
        message: 'user asked',
        finished_at: expect.any(String),
      });
      expect(await store.getDocument(wf, 'jobs', k('e'))).toMatchObject({ canceled_from: 'blocked' });
      // Nothing is claimable any more, and the scheduler's completion check leaves it canceled.
      expect(await claimAll()).toEqual([]);
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      expect(await store.listWorkflowKeys('canceled')).toContain(wf);
    });

    it('cancels a created workflow and refuses a finished or unknown one', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      const outcome = await store.cancelWorkflow(wf);
      expect(outcome.canceled.sort()).toEqual([k('a'), k('b')].sort());
      expect(await status('a')).toBe('canceled');
      await expect(store.cancelWorkflow(wf)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(store.cancelWorkflow('nope-wf')).rejects.toBeInstanceOf(NotFoundError);

      const done = await fx.fresh();
      await create({ jobs: ['x'] }, done);
      await done.initializeWorkflow(wf);
      await done.claimReady(10, wf);
      await done.startAttempts([
        {
          workflow: wf,
          job: k('x'),
          attempt: 1,
          worker: { worker_id: 'w', hostname: 'h', pid: 1, num_cpus: 1, memory_bytes: 1, num_gpus: 0 },
        },
      ]);
      await done.completeAttempts([{ ...completion('x'), compute_node: `${wf}-w` }]);
      expect(await done.finishWorkflowIfDone(wf)).toMatchObject({ status: 'completed' });
      await expect(done.cancelWorkflow(wf)).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('accepts the report of an attempt caught running, once, without changing the job', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'q'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.cancelWorkflow(wf);

      const report = { ...completion('a', 'terminated'), return_code: 143 };
      const [first] = await store.completeAttempts([report]);
      expect(first).toEqual({
        ok: true,
        duplicate: false,
        result: resultKey(k('a'), 1),
        newly_ready: 0,
        canceled: true,
      });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        job: k('a'),
        attempt: 1,
        status: 'canceled',
        return_code: 143,
        message: expect.stringContaining('terminated'),
      });
      expect((await store.listEdges(wf, 'returned')).items).toHaveLength(1);
      expect(await status('a')).toBe('canceled');
      const [again] = await store.completeAttempts([report]);
      expect(again).toMatchObject({ ok: true, duplicate: true });
      expect((await store.listDocuments(wf, 'results')).total).toBe(1);

      // q was only queued: nobody ran it, so a report for it is refused.
      const [queued] = await store.completeAttempts([completion('q')]);
      expect(queued).toMatchObject({ ok: false });
      // Another attempt number than the one canceled is refused too.
      const [wrong] = await store.completeAttempts([completion('a', 'completed', 2)]);
      expect(wrong).toMatchObject({ ok: false });
      expect(await store.getWorkflow(wf)).toMatchObject({ status: 'canceled' });
    });
  });

  describe('cancelJob', () => {
    it('cancels dependents with cancel_on_blocking_job_failure transitively', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c', 'side'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const outcome = await store.cancelJob(wf, k('a'));
      expect(outcome.canceled).toEqual([k('a'), k('b'), k('c')]);
      expect(outcome.running).toEqual([{ job: k('a'), attempt: 1 }]);
      expect(outcome.queued).toEqual([]);
      expect(outcome.newly_ready).toBe(0);
      expect([await status('a'), await status('b'), await status('c'), await status('side')]).toEqual([
        'canceled',
        'canceled',
        'canceled',
        'queued',
      ]);
      expect(await store.getWorkflow(wf)).toMatchObject({ status: 'running' });

      // The worker's report arrives: recorded, nothing propagates again.
      const [report] = await store.completeAttempts([completion('a', 'terminated')]);
      expect(report).toMatchObject({ ok: true, duplicate: false, newly_ready: 0 });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ status: 'canceled', unfinished_blockers: 0 });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({ status: 'canceled' });

      await start('side');
      await store.completeAttempts([completion('side')]);
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'failed' });
    });

    it('lets dependents without cancel_on_blocking_job_failure run (counter drops, ready at 0)', async () => {
      const { store, wf } = fx;
      await create({
        jobs: [
          'a',
          'other',
          { name: 'b', cancel_on_blocking_job_failure: false },
          { name: 'both', cancel_on_blocking_job_failure: false },
        ],
        edges: {
          blocks: [
            ['a', 'b'],
            ['a', 'both'],
            ['other', 'both'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      const outcome = await store.cancelJob(wf, k('a'));
      expect(outcome.canceled).toEqual([k('a')]);
      expect(outcome.running).toEqual([]);
      expect(outcome.newly_ready).toBe(1);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'canceled', canceled_from: 'ready' });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
      expect(await store.getDocument(wf, 'jobs', k('both'))).toMatchObject({
        status: 'blocked',
        unfinished_blockers: 1,
      });
      // A job canceled while ready was never started: a report for it is refused.
      const [refused] = await store.completeAttempts([completion('a')]);
      expect(refused).toMatchObject({ ok: false });
    });

    it('reports a queued job, and refuses final jobs, unknown jobs and a workflow that is not running', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      await expect(store.cancelJob(wf, k('a'))).rejects.toBeInstanceOf(InvalidStateError);
      await store.initializeWorkflow(wf);
      await claimAll();
      const outcome = await store.cancelJob(wf, k('a'));
      expect(outcome.queued).toEqual([{ job: k('a'), attempt: 1 }]);
      expect(outcome.running).toEqual([]);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ canceled_from: 'queued' });
      // Its queue entry may still be taken: the start is refused.
      expect((await start('a'))[0]).toMatchObject({ ok: false });
      await expect(store.cancelJob(wf, k('a'))).rejects.toBeInstanceOf(InvalidStateError);
      await expect(store.cancelJob(wf, k('zz'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.cancelJob('nope-wf', k('b'))).rejects.toBeInstanceOf(NotFoundError);
      await store.cancelWorkflow(wf);
      await expect(store.cancelJob(wf, k('b'))).rejects.toBeInstanceOf(InvalidStateError);
    });
  });
}
