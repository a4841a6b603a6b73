/**
 * GraphStore contract, part: what provisioning needs — writeDocuments (inserts,
 * compare-and-set updates and events, all or nothing), statusCounts of chosen jobs,
 * schedulingDemand, and interrupted attempts (re-run without spending retries).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { resultKey } from '../../src/core/keys.js';
import { type ContractFixture } from './contract-fixture.js';

export function provisioningContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion } = fx;

  describe('writeDocuments', () => {
    it('inserts and updates with their events in one write, and refuses the whole write when an expectation fails', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      const alloc = k('alloc1');
      const first = await store.writeDocuments(wf, {
        insert: [{ collection: 'allocations', doc: { _key: alloc, state: 'submitting', nodes: 1 } }],
        events: [{ type: 'allocation_submitted', allocation: alloc }],
      });
      expect(first).toMatchObject({ ok: true, docs: [{ _key: alloc, _id: `allocations/${alloc}`, workflow: wf }] });

      const moved = await store.writeDocuments(wf, {
        update: [
          { collection: 'allocations', key: alloc, expect: { state: 'submitting' }, patch: { state: 'pending' } },
        ],
        events: [{ type: 'allocation_pending', allocation: alloc }],
      });
      expect(moved).toMatchObject({ ok: true, docs: [{ _key: alloc, state: 'pending', nodes: 1 }] });

      // The same move again: its expectation no longer holds, so nothing of it is written.
      const again = await store.writeDocuments(wf, {
        insert: [{ collection: 'allocations', doc: { _key: k('alloc2'), state: 'submitting' } }],
        update: [{ collection: 'allocations', key: alloc, expect: { state: 'submitting' }, patch: { state: 'x' } }],
        events: [{ type: 'allocation_pending', allocation: alloc }],
      });
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.reason).toContain('state is "pending", not "submitting"');
      expect(await store.getDocument(wf, 'allocations', alloc)).toMatchObject({ state: 'pending' });
      await expect(store.getDocument(wf, 'allocations', k('alloc2'))).rejects.toMatchObject({
        code: ERROR_CODES.NOT_FOUND,
      });
      const events = (await store.listDocuments(wf, 'events', { limit: 100 })).items;
      expect(events.map((e) => e.type)).toEqual(['allocation_submitted', 'allocation_pending']);
      expect(events[0]).toMatchObject({ source: 'system', workflow: wf, allocation: alloc });
    });

    it('null expects a field absent: an action is claimed once', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      const action = k('x1');
      await store.writeDocuments(wf, {
        insert: [{ collection: 'actions', doc: { _key: action, trigger_type: 'on_workflow_start' } }],
      });
      const claim = () =>
        store.writeDocuments(wf, {
          update: [
            {
              collection: 'actions',
              key: action,
              expect: { claimed_at: null },
              patch: { claimed_at: 'now', claimed_by: 'me' },
            },
          ],
        });
      expect((await claim()).ok).toBe(true);
      expect((await claim()).ok).toBe(false);
    });

    it('refuses other collections, a missing key, a duplicate key and an unknown document', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await expect(
        store.writeDocuments(wf, {
          update: [{ collection: 'jobs' as never, key: k('a'), patch: { status: 'completed' } }],
        }),
      ).rejects.toMatchObject({ code: ERROR_CODES.VALIDATION });
      expect(await status('a')).toBe('uninitialized');
      await expect(
        store.writeDocuments(wf, { insert: [{ collection: 'allocations', doc: { _key: '' } }] }),
      ).rejects.toMatchObject({ code: ERROR_CODES.VALIDATION });
      await store.writeDocuments(wf, { insert: [{ collection: 'allocations', doc: { _key: k('al') } }] });
      await expect(
        store.writeDocuments(wf, { insert: [{ collection: 'allocations', doc: { _key: k('al') } }] }),
      ).rejects.toMatchObject({ code: ERROR_CODES.CONFLICT });
      const missing = await store.writeDocuments(wf, {
        update: [{ collection: 'allocations', key: k('nope'), patch: { state: 'ended' } }],
      });
      expect(missing).toMatchObject({ ok: false });
      await expect(store.writeDocuments('nowf', { events: [{ type: 'x' }] })).rejects.toMatchObject({
        code: ERROR_CODES.NOT_FOUND,
      });
    });
  });

  describe('statusCounts of chosen jobs', () => {
    it('counts only the given jobs of the workflow', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'], edges: { blocks: [['a', 'c']] } });
      await store.initializeWorkflow(wf);
      const counts = await store.statusCounts(wf, [k('a'), k('c'), 'elsewhere']);
      expect(counts.ready).toBe(1);
      expect(counts.blocked).toBe(1);
      expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(2);
    });
  });

  describe('schedulingDemand', () => {
    it('counts unfinished jobs per scheduler and resources', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c', 'd', 'e'],
        resource_requirements: [{ name: 'big', num_cpus: 4, memory_bytes: 8 * 1024 ** 3, runtime_s: 600 }],
        edges: {
          requires: [
            ['b', 'big'],
            ['c', 'big'],
          ],
          blocks: [['a', 'e']],
        },
      });
      await store.writeDocuments(wf, {
        insert: [{ collection: 'schedulers', doc: { _key: k('s1'), name: 's1', type: 'slurm', nodes: 1 } }],
      });
      for (const j of ['b', 'c'])
        await store.insertEdge(wf, 'scheduled_by', { _from: `jobs/${k(j)}`, _to: `schedulers/${k('s1')}` });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('d');
      await store.completeAttempts([completion('d')]);
      await start('b');
      const groups = await store.schedulingDemand(wf);
      const bySched = groups.find((g) => g.scheduler === k('s1'));
      expect(bySched).toMatchObject({ resources: { num_cpus: 4, runtime_s: 600 }, queued: 1, running: 1 });
      const plain = groups.find((g) => g.scheduler === undefined);
      expect(plain).toMatchObject({ resources: { num_cpus: 1 }, queued: 1, blocked: 1, running: 0, ready: 0 });
      expect(groups).toHaveLength(2);
    });
  });

  describe('interrupted attempts', () => {
    it('re-runs the job as the next attempt, keeps the result, spends no failure retry, and caps re-runs', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const report = { ...completion('a', 'terminated'), interrupted: true, message: 'interrupted: walltime' };
      const [outcome] = await store.completeAttempts([report], { maxLostReruns: 1 });
      expect(outcome).toEqual({
        ok: true,
        duplicate: false,
        result: resultKey(k('a'), 1),
        newly_ready: 1,
        next_attempt: 2,
      });
      expect(await store.getDocument(wf, 'results', resultKey(k('a'), 1))).toMatchObject({
        status: 'terminated',
        interrupted: true,
        message: 'interrupted: walltime',
      });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({
        status: 'ready',
        attempt: 2,
        lost_reruns: 1,
      });
      expect(await status('b')).toBe('blocked');
      const events = (await store.listDocuments(wf, 'events', { filter: { type: 'attempt_interrupted' } })).items;
      expect(events).toEqual([
        expect.objectContaining({ job: k('a'), attempt: 1, next_attempt: 2, reason: 'interrupted: walltime' }),
      ]);
      // A repeat changes nothing.
      expect((await store.completeAttempts([report]))[0]).toMatchObject({ ok: true, duplicate: true });

      // Attempt 2 interrupted too: the cap of 1 re-run is spent, so the job ends terminated.
      await claimAll();
      await start('a', 2);
      const [capped] = await store.completeAttempts([{ ...completion('a', 'terminated', 2), interrupted: true }], {
        maxLostReruns: 1,
      });
      expect(capped).toMatchObject({ ok: true, duplicate: false });
      expect(capped).not.toHaveProperty('next_attempt');
      const job = await store.getDocument(wf, 'jobs', k('a'));
      expect(job).toMatchObject({ status: 'terminated', attempt: 2, lost_reruns: 1 });
      expect(String(job.message)).toContain('more than the cap of 1');
      expect(job.failure_retries ?? 0).toBe(0);
    });
  });
}
