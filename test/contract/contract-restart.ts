/**
 * GraphStore contract, part: run-time fingerprints (input files at start, hashes on the
 * result) and restartJobs (decision 0007).
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError, NotFoundError } from '../../src/core/errors.js';
import { resultKey } from '../../src/core/keys.js';
import { commandHash, userDataHash } from '../../src/graph/fingerprint.js';
import type { ContractFixture } from './contract-fixture.js';

export function restartContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion, run } = fx;

  describe('fingerprints', () => {
    it('hands the input files at start and records hashes on the result', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a'],
        files: ['in1', 'in2', 'out'],
        user_data: ['params'],
        edges: {
          needs: [
            ['a', 'in2'],
            ['a', 'in1'],
          ],
          produces: [['a', 'out']],
          consumes: [['a', 'params']],
        },
      });
      await store.initializeWorkflow(wf);
      await claimAll();
      const [started] = await start('a');
      expect(started).toMatchObject({
        ok: true,
        input_files: [
          { _key: k('in1'), path: '/data/in1' },
          { _key: k('in2'), path: '/data/in2' },
        ].sort((x, y) => (x._key < y._key ? -1 : 1)),
      });
      const files = { [k('in1')]: 'h1', [k('in2')]: 'missing' };
      await store.completeAttempts([{ ...completion('a'), inputs: { files } }]);
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        input_hashes: files,
        command_hash: commandHash({ command: 'echo a' }),
        user_data_hashes: { [k('params')]: userDataHash({ value: 'params' }) },
      });
    });
  });

  describe('restartJobs', () => {
    it('resets failed and canceled jobs to a new attempt and runs the workflow again', async () => {
      const { store, wf } = fx;
      // a → b → c, a → d: b fails, c is canceled by it, d completes.
      await create({
        jobs: ['a', 'b', 'c', 'd'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
            ['a', 'd'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      await run('a');
      await run('b', 'failed');
      await run('d');
      expect(await status('c')).toBe('canceled');
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'failed' });

      const outcome = await store.restartJobs(wf, [k('b'), k('c'), k('b')]);
      expect(outcome).toEqual({ reset: [k('b'), k('c')], ready: 1 });
      const b = await store.getDocument(wf, 'jobs', k('b'));
      expect(b).toMatchObject({
        status: 'ready',
        attempt: 2,
        unfinished_blockers: 0,
        failure_retries: 0,
        lost_reruns: 0,
      });
      expect(b).not.toHaveProperty('finished_at');
      const c = await store.getDocument(wf, 'jobs', k('c'));
      expect(c).toMatchObject({ status: 'blocked', attempt: 2, unfinished_blockers: 1 });
      expect(c).not.toHaveProperty('canceled_from');
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'completed', attempt: 1 });
      const workflow = await store.getWorkflow(wf);
      expect(workflow.status).toBe('running');
      expect(workflow).not.toHaveProperty('finished_at');
      expect(await store.listWorkflowKeys('running')).toContain(wf);

      const claimed = await claimAll();
      expect(claimed.map((j) => [j.job, j.attempt])).toEqual([[k('b'), 2]]);
      await start('b', 2);
      const [done] = await store.completeAttempts([completion('b', 'completed', 2)]);
      expect(done).toMatchObject({ ok: true, duplicate: false, newly_ready: 1 });
      expect(await status('c')).toBe('ready');
      await claimAll();
      await start('c', 2);
      await store.completeAttempts([completion('c', 'completed', 2)]);
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'completed' });
      // Both attempts of b keep their results.
      const results = await store.listDocuments(wf, 'results', { filter: { job: k('b') } });
      expect(results.items.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'failed'],
        [2, 'completed'],
      ]);
    });

    it('recounts waiting dependents of a reset job in a running workflow', async () => {
      const { store, wf } = fx;
      // a → x ← r: a completed, r running, x waits for r only; restarting a makes x wait for both.
      await create({
        jobs: ['a', 'r', 'x'],
        edges: {
          blocks: [
            ['a', 'x'],
            ['r', 'x'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      await run('a');
      await start('r');
      expect(await store.getDocument(wf, 'jobs', k('x'))).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      expect(await store.restartJobs(wf, [k('a')])).toEqual({ reset: [k('a')], ready: 1 });
      expect(await store.getDocument(wf, 'jobs', k('x'))).toMatchObject({ status: 'blocked', unfinished_blockers: 2 });
      await store.completeAttempts([completion('r')]);
      expect(await status('x')).toBe('blocked');
      await claimAll();
      await start('a', 2);
      await store.completeAttempts([completion('a', 'completed', 2)]);
      expect(await status('x')).toBe('ready');
    });

    it('refuses a created workflow, unknown jobs and jobs in flight, changing nothing', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', { name: 'off', status: 'disabled' }] });
      await expect(store.restartJobs(wf, [k('a')])).rejects.toBeInstanceOf(InvalidStateError);
      await expect(store.restartJobs('nope-wf', [])).rejects.toBeInstanceOf(NotFoundError);
      await store.initializeWorkflow(wf);
      await run('a');
      await start('b');
      await expect(store.restartJobs(wf, [k('a'), k('nope')])).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.restartJobs(wf, [k('a'), k('b')])).rejects.toBeInstanceOf(InvalidStateError);
      await expect(store.restartJobs(wf, [k('off')])).rejects.toBeInstanceOf(InvalidStateError);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'completed', attempt: 1 });
      expect(await store.restartJobs(wf, [])).toEqual({ reset: [], ready: 0 });
      expect(await status('b')).toBe('running');
    });
  });
}
