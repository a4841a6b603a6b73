/**
 * GraphStore contract, part: listRunningAttempts, listCanceledAttempts and recordLostAttempts
 * (lost workers).
 */
import { describe, expect, it } from 'vitest';
import { resultKey } from '../../src/core/keys.js';
import type { WorkerIdentity } from '../../src/graph/graph-store.js';
import { WORKER, type ContractFixture } from './contract-fixture.js';

const OTHER: WorkerIdentity = { ...WORKER, worker_id: 'wk2', hostname: 'node2' };

export function lostWorkersContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion } = fx;
  const node = () => `${fx.wf}-${WORKER.worker_id}`;
  const lost = (n: string, attempt = 1, computeNode = node()) => ({
    workflow: fx.wf,
    job: k(n),
    attempt,
    compute_node: computeNode,
  });

  describe('listRunningAttempts', () => {
    it('lists running attempts with the worker of their current attempt', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.startAttempts([{ workflow: wf, job: k('b'), attempt: 1, worker: OTHER }]);
      const running = (await store.listRunningAttempts(100)).filter((r) => r.workflow === wf);
      running.sort((x, y) => x.job.localeCompare(y.job));
      expect(running).toEqual([
        expect.objectContaining({ workflow: wf, job: k('a'), attempt: 1, compute_node: node(), worker_id: 'wk1' }),
        expect.objectContaining({ workflow: wf, job: k('b'), attempt: 1, compute_node: `${wf}-wk2`, worker_id: 'wk2' }),
      ]);
      expect(typeof running[0]!.started_at).toBe('string');
      expect(await store.listRunningAttempts(1)).toHaveLength(1);
    });

    it('leaves out jobs of workflows that are not running', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.updateWorkflow(wf, { status: 'canceled' });
      expect((await store.listRunningAttempts(100)).filter((r) => r.workflow === wf)).toEqual([]);
    });
  });

  describe('listCanceledAttempts', () => {
    it('lists attempts a cancellation caught running until they have a result, in any workflow status', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c', 'd'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.startAttempts([{ workflow: wf, job: k('b'), attempt: 1, worker: OTHER }]);
      await start('c');
      const mine = async () =>
        (await store.listCanceledAttempts(100))
          .filter((r) => r.workflow === wf)
          .sort((x, y) => x.job.localeCompare(y.job));
      expect(await mine()).toEqual([]); // running, not canceled
      await store.cancelJob(wf, k('a'));
      await store.cancelJob(wf, k('d')); // canceled while queued: no process to wait for
      expect(await mine()).toEqual([
        expect.objectContaining({ workflow: wf, job: k('a'), attempt: 1, compute_node: node(), worker_id: 'wk1' }),
      ]);
      await store.cancelWorkflow(wf);
      expect((await mine()).map((r) => [r.job, r.worker_id])).toEqual([
        [k('a'), 'wk1'],
        [k('b'), 'wk2'],
        [k('c'), 'wk1'],
      ]);
      expect(await store.listCanceledAttempts(1)).toHaveLength(1);
      // Reported by its worker: it has its result and is no longer waited for.
      await store.completeAttempts([{ ...completion('a', 'terminated') }]);
      expect((await mine()).map((r) => r.job)).toEqual([k('b'), k('c')]);
    });
  });

  describe('recordLostAttempts', () => {
    it('for a live worker that does not hold the attempt: re-runs it, leaves the node active, records attempt_not_held', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const [outcome] = await store.recordLostAttempts([lost('a')], {
        maxLostReruns: 3,
        message: 'not held by its worker',
        workerAlive: true,
        event: { worker_id: WORKER.worker_id },
      });
      expect(outcome).toMatchObject({ recorded: true, outcome: 'requeued', next_attempt: 2, lost_reruns: 1 });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        lost: true,
        message: 'not held by its worker',
      });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'ready', attempt: 2 });
      const nodeDoc = await store.getDocument(wf, 'compute_nodes', node());
      expect(nodeDoc).toMatchObject({ is_active: true });
      expect(nodeDoc.lost_at).toBeUndefined();
      const events = await store.listDocuments(wf, 'events', { filter: { source: 'system' }, limit: 100 });
      const types = events.items.map((e) => e.type);
      expect(types).not.toContain('worker_lost');
      expect(events.items.find((e) => e.type === 'attempt_not_held')).toMatchObject({
        worker_id: WORKER.worker_id,
        compute_node: node(),
        jobs: [{ job: k('a'), attempt: 1, outcome: 'requeued', next_attempt: 2, lost_reruns: 1 }],
      });
      // The same worker's late start of the old attempt is refused: the job moved on.
      expect((await start('a'))[0]).toMatchObject({ ok: false });
    });

    it('gives an attempt canceled while running on the dead worker its canceled result, and changes nothing else', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.cancelJob(wf, k('a'));
      const before = await store.getDocument(wf, 'jobs', k('a'));
      const dependent = await store.getDocument(wf, 'jobs', k('b'));
      const outcomes = await store.recordLostAttempts([lost('a'), lost('a')], {
        maxLostReruns: 3,
        event: { worker_id: 'wk1' },
      });
      expect(outcomes).toEqual([
        { recorded: true, result: resultKey(k('a'), 1), outcome: 'canceled' },
        { recorded: false, reason: expect.stringMatching(/already has a result/) },
      ]);
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        status: 'canceled',
        return_code: -1,
        lost: true,
        compute_node: node(),
      });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toEqual(before);
      expect(await store.getDocument(wf, 'jobs', k('b'))).toEqual(dependent);
      expect(await store.getDocument(wf, 'compute_nodes', node())).toMatchObject({ is_active: false });
      const events = (await store.listDocuments(wf, 'events', { filter: { type: 'worker_lost' } })).items;
      expect(events).toEqual([
        expect.objectContaining({ worker_id: 'wk1', jobs: [{ job: k('a'), attempt: 1, outcome: 'canceled' }] }),
      ]);
      // A report arriving late from the worker is refused as a late report of a lost attempt
      // (decision 0011): one result per attempt.
      const [late] = await store.completeAttempts([completion('a', 'terminated')]);
      expect(late).toMatchObject({ ok: false, reason: expect.stringMatching(/recorded lost/) });
      expect((await store.listDocuments(wf, 'results')).total).toBe(1);
    });

    it('records one lost result, marks the node inactive and re-runs the job as the next attempt', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const [outcome] = await store.recordLostAttempts([lost('a')], { maxLostReruns: 3 });
      expect(outcome).toEqual({
        recorded: true,
        result: resultKey(k('a'), 1),
        outcome: 'requeued',
        next_attempt: 2,
        lost_reruns: 1,
      });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        job: k('a'),
        attempt: 1,
        status: 'failed',
        return_code: -1,
        message: 'worker lost',
        lost: true,
        compute_node: node(),
      });
      expect((await store.listEdges(wf, 'returned')).items.map((e) => e._to)).toEqual([
        `results/${resultKey(k('a'), 1)}`,
      ]);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({
        status: 'ready',
        attempt: 2,
        lost_reruns: 1,
      });
      expect(await store.getDocument(wf, 'compute_nodes', node())).toMatchObject({
        is_active: false,
        lost_at: expect.any(String),
      });
      // The dependent is untouched: its blocker is not final.
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });

      // The re-run goes through the normal lifecycle on another worker.
      expect((await claimAll()).map((c) => [c.job, c.attempt])).toEqual([[k('a'), 2]]);
      const [again] = await store.startAttempts([{ workflow: wf, job: k('a'), attempt: 2, worker: OTHER }]);
      expect(again).toMatchObject({ ok: true, compute_node: `${wf}-wk2` });
      const [done] = await store.completeAttempts([{ ...completion('a', 'completed', 2), compute_node: `${wf}-wk2` }]);
      expect(done).toMatchObject({ ok: true, duplicate: false, newly_ready: 1 });
      expect((await store.listDocuments(wf, 'results')).items.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'failed'],
        [2, 'completed'],
      ]);
    });

    it('is idempotent and refuses attempts that are not running on that node', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.startAttempts([{ workflow: wf, job: k('b'), attempt: 1, worker: OTHER }]);
      const outcomes = await store.recordLostAttempts([lost('a'), lost('a'), lost('b'), lost('c'), lost('a', 2)], {
        maxLostReruns: 3,
      });
      expect(outcomes.map((o) => o.recorded)).toEqual([true, false, false, false, false]);
      // b runs on wk2, which is alive: untouched.
      expect(await status('b')).toBe('running');
      expect(await status('c')).toBe('queued');
      expect((await store.listDocuments(wf, 'results')).total).toBe(1);
      // A completion arriving late from the dead worker is refused (not taken for a duplicate of
      // its own report: the worker ran past its declared loss) and the refusal is recorded.
      const [late] = await store.completeAttempts([completion('a')]);
      expect(late).toEqual({
        ok: false,
        reason: `attempt 1 of job ${k('a')} was recorded lost (its worker was declared lost); this late report is refused`,
      });
      expect((await store.listDocuments(wf, 'results')).items).toEqual([
        expect.objectContaining({ status: 'failed', lost: true }),
      ]);
      const refusals = (await store.listDocuments(wf, 'events', { filter: { type: 'late_report_refused' } })).items;
      expect(refusals).toEqual([
        expect.objectContaining({
          source: 'system',
          job: k('a'),
          attempt: 1,
          compute_node: node(),
          worker_id: WORKER.worker_id,
          reported_status: 'completed',
        }),
      ]);
      // The job is untouched: it waits as the re-run attempt 2.
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'ready', attempt: 2 });
    });

    it('fails the job once the lost re-runs reach the cap, treating dependents as after a failure', async () => {
      const { store, wf } = fx;
      await create({
        jobs: [
          'a',
          { name: 'b', cancel_on_blocking_job_failure: true },
          { name: 'c', cancel_on_blocking_job_failure: false },
        ],
        edges: {
          blocks: [
            ['a', 'b'],
            ['a', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      for (let attempt = 1; attempt <= 3; attempt++) {
        await claimAll();
        await start('a', attempt);
        const [o] = await store.recordLostAttempts([lost('a', attempt)], { maxLostReruns: 2 });
        if (attempt < 3) expect(o).toMatchObject({ recorded: true, outcome: 'requeued', lost_reruns: attempt });
        else expect(o).toMatchObject({ recorded: true, outcome: 'failed', lost_reruns: 2, newly_ready: 1 });
      }
      const job = await store.getDocument(wf, 'jobs', k('a'));
      expect(job).toMatchObject({ status: 'failed', attempt: 3, lost_reruns: 2 });
      expect(job.message).toMatch(/cap of 2/);
      expect(await status('b')).toBe('canceled');
      expect(await status('c')).toBe('ready');
      expect((await store.listDocuments(wf, 'results')).items.map((r) => r.attempt)).toEqual([1, 2, 3]);
    });

    it("honours the job's own max_lost_reruns", async () => {
      const { store, wf } = fx;
      await create({ jobs: [{ name: 'a', max_lost_reruns: 0 }] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const [o] = await store.recordLostAttempts([lost('a')], { maxLostReruns: 5, message: 'node gone' });
      expect(o).toMatchObject({ recorded: true, outcome: 'failed', lost_reruns: 0 });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({ message: 'node gone' });
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'failed' });
    });
  });
}
