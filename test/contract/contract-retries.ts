/**
 * GraphStore contract, part: failure-handler retries and the events completeAttempts
 * appends itself (`attempt_retried`, `job_terminated`).
 */
import { describe, expect, it } from 'vitest';
import { resultKey } from '../../src/core/keys.js';
import type { EventDoc } from '../../src/core/model.js';
import type { FailureHandler } from '../../src/core/failure-policy.js';
import { buildBundle, type BundleSpec } from './bundles.js';
import type { ContractFixture } from './contract-fixture.js';

const HANDLERS: FailureHandler[] = [
  {
    name: 'flaky',
    rules: [
      { exit_codes: [3], recovery_script: 'fix.sh', max_retries: 2 },
      { exit_codes: [4], max_retries: 0 },
    ],
  },
];

export function retriesContract(fx: ContractFixture): void {
  const { k, status, claimAll, start, completion } = fx;

  /** A workflow `a` → `b` where `a` names the `flaky` handler; started. */
  const createStarted = async (extra: Partial<BundleSpec> = {}) => {
    const { store, wf } = fx;
    const bundle = buildBundle(wf, {
      jobs: [{ name: 'a', failure_handler: 'flaky' }, 'b'],
      edges: { blocks: [['a', 'b']] },
      ...extra,
    });
    await store.createWorkflow({ ...bundle, workflow: { ...bundle.workflow, failure_handlers: HANDLERS } });
    await store.initializeWorkflow(wf);
  };
  /** Claim, start and fail attempt `attempt` of `a` with `code`. */
  const failA = async (attempt: number, code: number, s: 'failed' | 'terminated' = 'failed', extra = {}) => {
    const claimed = await claimAll();
    expect(claimed.map((c) => [c.job, c.attempt])).toEqual([[k('a'), attempt]]);
    expect((await start('a', attempt))[0]?.ok).toBe(true);
    const [out] = await fx.store.completeAttempts([{ ...completion('a', s, attempt), return_code: code, ...extra }]);
    return out!;
  };
  const events = async (type: string) =>
    (await fx.store.listDocuments(fx.wf, 'events', { filter: { type } })).items as EventDoc[];

  describe('failure-handler retries', () => {
    it('sends a matching failure back to ready as attempt + 1, dependents untouched, until max_retries', async () => {
      const { store, wf } = fx;
      await createStarted();
      expect(await failA(1, 3)).toEqual({
        ok: true,
        duplicate: false,
        result: resultKey(k('a'), 1),
        newly_ready: 1,
        next_attempt: 2,
      });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({
        status: 'ready',
        attempt: 2,
        failure_retries: 1,
      });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        attempt: 1,
        status: 'failed',
        return_code: 3,
      });
      expect((await events('attempt_retried')).map((e) => [e.job, e.attempt, e.return_code, e.next_attempt])).toEqual([
        [k('a'), 1, 3, 2],
      ]);

      expect(await failA(2, 3)).toMatchObject({ ok: true, next_attempt: 3 });
      // max_retries 2 spent: the third failure is final and propagates.
      const last = await failA(3, 3);
      expect(last).toMatchObject({ ok: true, duplicate: false, result: resultKey(k('a'), 3) });
      expect(last).not.toHaveProperty('next_attempt');
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({
        status: 'failed',
        attempt: 3,
        failure_retries: 2,
      });
      expect(await status('b')).toBe('canceled');
      const results = (await store.listDocuments(wf, 'results')).items;
      expect(results.map((r) => [r.attempt, r.status]).sort()).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
      ]);
      expect((await store.listEdges(wf, 'returned')).total).toBe(3);
      expect((await events('attempt_retried')).map((e) => e.next_attempt)).toEqual([2, 3]);
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'failed' });
    });

    it('answers a repeat of a retried attempt as a duplicate and refuses to start the old attempt again', async () => {
      const { store, wf } = fx;
      await createStarted();
      await failA(1, 3);
      const again = await store.completeAttempts([{ ...completion('a', 'failed', 1), return_code: 3 }]);
      expect(again).toEqual([{ ok: true, duplicate: true, result: resultKey(k('a'), 1), newly_ready: 0 }]);
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'ready', attempt: 2 });
      await claimAll();
      expect((await start('a', 1))[0]).toMatchObject({ ok: false });
      expect((await start('a', 2))[0]).toMatchObject({ ok: true });
      expect((await events('attempt_retried')).length).toBe(1);
    });

    it('does not retry an exit code no rule names, a rule with max_retries 0, or a worker veto', async () => {
      const { wf } = fx;
      await createStarted();
      expect(await failA(1, 5)).not.toHaveProperty('next_attempt');
      expect(await status('a')).toBe('failed');

      const other = await fx.fresh();
      const wf2 = `${wf}x`;
      for (const [key, code, veto] of [
        [`${wf2}0`, 4, false],
        [`${wf2}1`, 3, true],
      ] as const) {
        const bundle = buildBundle(key, { jobs: [{ name: 'a', failure_handler: 'flaky' }] });
        await other.createWorkflow({ ...bundle, workflow: { ...bundle.workflow, failure_handlers: HANDLERS } });
        await other.initializeWorkflow(key);
        await other.claimReady(10, key);
        const job = `${key}-a`;
        const worker = { worker_id: 'w', hostname: 'h', pid: 1, num_cpus: 1, memory_bytes: 1, num_gpus: 0 };
        await other.startAttempts([{ workflow: key, job, attempt: 1, worker }]);
        const [out] = await other.completeAttempts([
          {
            workflow: key,
            job,
            attempt: 1,
            status: 'failed',
            return_code: code,
            exec_time_s: 0,
            completion_time: '2026-01-01T00:00:00.000Z',
            compute_node: `${key}-w`,
            ...(veto ? { no_retry: true } : {}),
          },
        ]);
        expect(out).not.toHaveProperty('next_attempt');
        expect((await other.getDocument(key, 'jobs', job)).status).toBe('failed');
      }
    });

    it('never retries a terminated attempt and records job_terminated with its reason', async () => {
      const { store, wf } = fx;
      await createStarted();
      const out = await failA(1, 143, 'terminated', { message: 'exceeded its runtime of 2 s' });
      expect(out).not.toHaveProperty('next_attempt');
      expect(await status('a')).toBe('terminated');
      expect(await status('b')).toBe('canceled');
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        status: 'terminated',
        message: 'exceeded its runtime of 2 s',
      });
      expect((await events('job_terminated')).map((e) => [e.job, e.attempt, e.reason])).toEqual([
        [k('a'), 1, 'exceeded its runtime of 2 s'],
      ]);
      // One event per recorded attempt: the termination is not also reported as a failure.
      expect(await events('job_failed')).toEqual([]);
    });
  });
}
