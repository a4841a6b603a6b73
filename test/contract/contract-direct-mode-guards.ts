/**
 * GraphStore contract, part: Direct mode cannot corrupt a workflow (issue 9 item 2,
 * decision 0010). Server-owned fields are read-only, reserved key shapes are refused, and
 * structural changes to a started workflow keep the counters right or are refused naming
 * the rule; counter drift is reported with an event instead of being clamped away.
 */
import { describe, expect, it } from 'vitest';
import { AppError, CycleError, InvalidStateError, ValidationError } from '../../src/core/errors.js';
import { allocationKey, computeNodeKey, randomKey, resultKey } from '../../src/core/keys.js';
import type { ContractFixture } from './contract-fixture.js';

/** The error `p` rejects with (the test fails when it resolves). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function fields(p: Promise<unknown>): Promise<string[]> {
  const err = await refusal(p);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).issues.map((i) => i.path);
}

async function rule(p: Promise<unknown>): Promise<unknown> {
  const err = await refusal(p);
  expect(err).toBeInstanceOf(InvalidStateError);
  expect(err.message).toContain(`rule ${String(err.details.rule)}`);
  return err.details.rule;
}

export function directModeGuardsContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start, completion, run } = fx;
  const job = (n: string) => fx.store.getDocument(fx.wf, 'jobs', k(n));

  describe('direct mode guards: server-owned fields', () => {
    it('refuses lifecycle fields in a job patch, naming each, and changes nothing', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      const patch = { status: 'completed', attempt: 5, unfinished_blockers: 0, command: 'x' };
      expect(await fields(store.updateDocument(wf, 'jobs', k('b'), patch))).toEqual([
        'status',
        'attempt',
        'unfinished_blockers',
      ]);
      expect(await fields(store.updateDocument(wf, 'jobs', k('a'), { finished_at: 'now', lost_reruns: 9 }))).toEqual([
        'finished_at',
        'lost_reruns',
      ]);
      expect(await job('b')).toMatchObject({
        status: 'blocked',
        attempt: 1,
        unfinished_blockers: 1,
        command: 'echo b',
      });
      // Sent back unchanged, they are fine; other fields change.
      const updated = await store.updateDocument(wf, 'jobs', k('b'), { status: 'blocked', attempt: 1, command: 'y' });
      expect(updated).toMatchObject({ status: 'blocked', command: 'y' });
      // Disabling is the user's choice only before the start.
      expect(await fields(store.updateDocument(wf, 'jobs', k('a'), { status: 'disabled' }))).toEqual(['status']);
    });

    it('lets a job be disabled and enabled before the start, nothing else', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.updateDocument(wf, 'jobs', k('a'), { status: 'disabled' });
      await store.updateDocument(wf, 'jobs', k('a'), { status: 'uninitialized' });
      expect(await fields(store.updateDocument(wf, 'jobs', k('a'), { status: 'ready' }))).toEqual(['status']);
      expect((await job('a')).status).toBe('uninitialized');
    });

    it('lets a new job carry only the lifecycle values it gets anyway', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      const ok = await store.insertDocument(wf, 'jobs', {
        name: 'n',
        command: 'true',
        status: 'disabled',
        attempt: 1,
        unfinished_blockers: 0,
      });
      expect(ok).toMatchObject({ status: 'disabled', attempt: 1 });
      expect(
        await fields(
          store.insertDocument(wf, 'jobs', {
            name: 'm',
            command: 'true',
            status: 'ready',
            attempt: 2,
            unfinished_blockers: 3,
            queued_at: 'x',
          }),
        ),
      ).toEqual(['status', 'attempt', 'unfinished_blockers', 'queued_at']);
    });

    it("keeps the provisioner's fields of allocations and actions, and the watchdog's of compute nodes", async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      expect(await fields(store.insertDocument(wf, 'allocations', { state: 'requested', nodes: 1 }))).toEqual([
        'state',
      ]);
      expect(await fields(store.insertDocument(wf, 'actions', { trigger_type: 'x', claimed_at: 'now' }))).toEqual([
        'claimed_at',
      ]);
      expect(await fields(store.insertDocument(wf, 'compute_nodes', { hostname: 'h', worker_id: 'w' }))).toEqual([
        'worker_id',
      ]);
      const alloc = allocationKey(wf, 1);
      await store.writeDocuments(wf, {
        insert: [{ collection: 'allocations', doc: { _key: alloc, state: 'pending', provider_id: '7', nodes: 1 } }],
      });
      expect(
        await fields(store.updateDocument(wf, 'allocations', alloc, { state: 'ended', provider_id: '8', note: 1 })),
      ).toEqual(['state', 'provider_id']);
      expect(await store.updateDocument(wf, 'allocations', alloc, { note: 'mine' })).toMatchObject({
        state: 'pending',
        note: 'mine',
      });
    });
  });

  describe('direct mode guards: reserved keys', () => {
    it('refuses the key shapes the system writes later, naming _key', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      // A result under the key of a future attempt would make that attempt's report a "duplicate".
      expect(await fields(store.insertDocument(wf, 'results', { _key: resultKey(k('a'), 2), status: 'x' }))).toEqual([
        '_key',
      ]);
      expect(await fields(store.insertDocument(wf, 'allocations', { _key: allocationKey(wf, 3) }))).toEqual(['_key']);
      const node = computeNodeKey(wf, randomKey());
      expect(await fields(store.insertDocument(wf, 'compute_nodes', { _key: node, hostname: 'h' }))).toEqual(['_key']);
      await store.insertDocument(wf, 'compute_nodes', { _key: `${wf}-laptop`, hostname: 'h' });
      const edge = { _from: `compute_nodes/${wf}-laptop`, _to: `jobs/${k('a')}` };
      expect(await fields(store.insertEdge(wf, 'executed', { ...edge, _key: `${k('a')}-x1` }))).toEqual(['_key']);
      expect((await store.listEdges(wf, 'executed')).total).toBe(0);
      expect((await store.listDocuments(wf, 'results')).total).toBe(0);
      // Other keys are the user's.
      expect(await store.insertDocument(wf, 'results', { _key: `${k('a')}-mine`, status: 'x' })).toMatchObject({
        _key: `${k('a')}-mine`,
      });
    });
  });

  describe('direct mode guards: structure of a started workflow', () => {
    it('refuses jobs added after the start', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.insertDocument(wf, 'jobs', { name: 'early', command: 'true' });
      await store.initializeWorkflow(wf);
      expect(await rule(store.insertDocument(wf, 'jobs', { name: 'late', command: 'true' }))).toBe(
        'jobs-only-before-start',
      );
      expect((await store.listDocuments(wf, 'jobs')).total).toBe(2);
    });

    it('deletes only final jobs of a started workflow: a dependent never waits for a job that is gone', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c'],
        edges: {
          blocks: [
            ['a', 'c'],
            ['b', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      expect(await rule(store.deleteDocument(wf, 'jobs', k('a')))).toBe('delete-final-jobs-only');
      expect(await rule(store.deleteDocument(wf, 'jobs', k('c')))).toBe('delete-final-jobs-only');
      await run('a');
      await store.deleteDocument(wf, 'jobs', k('a'));
      expect(await job('c')).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      await run('b');
      expect(await status('c')).toBe('ready');
    });

    it('keeps the compute node of a running attempt and an allocation until it ends', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      const node = `${wf}-wk1`;
      expect(await rule(store.deleteDocument(wf, 'compute_nodes', node))).toBe('keep-compute-node-of-running-attempt');
      expect((await store.listRunningAttempts(100)).some((r) => r.compute_node === node)).toBe(true);
      await store.completeAttempts([completion('a')]);
      await store.deleteDocument(wf, 'compute_nodes', node);

      const alloc = allocationKey(wf, 1);
      await store.writeDocuments(wf, {
        insert: [{ collection: 'allocations', doc: { _key: alloc, state: 'running', nodes: 1 } }],
      });
      expect(await rule(store.deleteDocument(wf, 'allocations', alloc))).toBe('keep-allocation-until-ended');
      await store.writeDocuments(wf, {
        update: [{ collection: 'allocations', key: alloc, expect: { state: 'running' }, patch: { state: 'ended' } }],
      });
      await store.deleteDocument(wf, 'allocations', alloc);
    });

    it('counts a blocks edge added after the start, and the dependent runs after its new blocker', async () => {
      const { store, wf } = fx;
      // b waits for g; a and done are ready.
      await create({ jobs: ['a', 'b', 'g', 'done'], edges: { blocks: [['g', 'b']] } });
      await store.initializeWorkflow(wf);
      await run('done');
      expect(await status('a')).toBe('queued');
      await store.insertEdge(wf, 'blocks', { _from: `jobs/${k('a')}`, _to: `jobs/${k('b')}` });
      expect(await job('b')).toMatchObject({ status: 'blocked', unfinished_blockers: 2 });
      // A finished blocker never reports again: it is not counted.
      await store.insertEdge(wf, 'blocks', { _from: `jobs/${k('done')}`, _to: `jobs/${k('b')}` });
      expect(await job('b')).toMatchObject({ status: 'blocked', unfinished_blockers: 2 });
      await start('g');
      await store.completeAttempts([completion('g')]);
      expect(await job('b')).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      await start('a');
      await store.completeAttempts([completion('a')]);
      expect(await job('b')).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
      await run('b');
      expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'completed' });
      expect((await store.listDocuments(wf, 'events', { filter: { type: 'counter_drift' } })).total).toBe(0);
    });

    it('refuses a blocks edge that closes a cycle or holds back a started job, writing nothing', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c', 'r'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
          ],
        },
      });
      await store.initializeWorkflow(wf);
      const cycle = await refusal(store.insertEdge(wf, 'blocks', { _from: `jobs/${k('c')}`, _to: `jobs/${k('a')}` }));
      expect(cycle).toBeInstanceOf(CycleError);
      expect((cycle as CycleError).cycle).toEqual(['c', 'a', 'b', 'c']);
      const self = await refusal(store.insertEdge(wf, 'blocks', { _from: `jobs/${k('r')}`, _to: `jobs/${k('r')}` }));
      expect((self as CycleError).cycle).toEqual(['r', 'r']);
      await claimAll();
      await start('r');
      expect(await rule(store.insertEdge(wf, 'blocks', { _from: `jobs/${k('c')}`, _to: `jobs/${k('r')}` }))).toBe(
        'blocks-before-dependent-starts',
      );
      expect((await store.listEdges(wf, 'blocks')).total).toBe(2);
      expect(await job('a')).toMatchObject({ status: 'queued', unfinished_blockers: 0 });
    });
  });

  describe('counter drift', () => {
    it('is reported with a counter_drift event in the completion that finds it, not clamped away', async () => {
      const { store, wf } = fx;
      // A graph whose counters already drifted (as an import of a broken store could bring):
      // b waits with no blocker counted although a still runs.
      await create({
        jobs: [
          { name: 'a', status: 'running' },
          { name: 'b', status: 'blocked' },
        ],
        edges: { blocks: [['a', 'b']] },
      });
      await store.updateWorkflow(wf, { status: 'running' });
      const [done] = await store.completeAttempts([completion('a')]);
      expect(done).toMatchObject({ ok: true, newly_ready: 1 });
      expect(await job('b')).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
      expect((await store.listDocuments(wf, 'events', { filter: { type: 'counter_drift' } })).items).toEqual([
        expect.objectContaining({ source: 'system', job: k('b'), blocker: k('a'), status: 'blocked' }),
      ]);
    });
  });
}
