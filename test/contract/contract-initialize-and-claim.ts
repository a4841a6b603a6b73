/**
 * GraphStore contract, part: initializeWorkflow, claimReady, listQueued, startAttempts.
 */
import { describe, expect, it } from 'vitest';
import { CycleError, InvalidStateError, NotFoundError } from '../../src/core/errors.js';
import { DEFAULT_RESOURCES } from '../../src/core/model.js';
import { keyOf, newWorkflowKey } from './bundles.js';
import { WORKER, type ContractFixture } from './contract-fixture.js';

export function initializeAndClaimContract(fx: ContractFixture): void {
  const { k, create, status, claimAll, start } = fx;
  describe('initializeWorkflow', () => {
    it('derives blocks from files and user data, sets counters and ready vs blocked', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['gen', 'mid', 'use', 'solo', { name: 'off', status: 'disabled' }],
        files: ['f1', 'f2'],
        user_data: ['u'],
        edges: {
          produces: [
            ['gen', 'f1'],
            ['gen', 'f2'],
          ],
          needs: [
            ['mid', 'f1'],
            ['mid', 'f2'],
          ],
          stores: [
            ['mid', 'u'],
            ['off', 'u'],
          ],
          consumes: [['use', 'u']],
          blocks: [['gen', 'mid']],
        },
      });
      const out = await store.initializeWorkflow(wf);
      // gen→mid exists already; f1 and f2 give it once more at most; mid→use and off→use derived.
      expect(out).toMatchObject({ ready: 2, blocked: 2, derived_blocks: 2 });
      expect(out.workflow).toMatchObject({ status: 'running', started_at: expect.any(String) });
      expect(await store.getWorkflow(wf)).toEqual(out.workflow);
      const job = (n: string) => store.getDocument(wf, 'jobs', k(n));
      expect(await job('gen')).toMatchObject({ status: 'ready', unfinished_blockers: 0, attempt: 1 });
      expect(await job('solo')).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
      expect(await job('mid')).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      // The disabled writer never runs, so it does not count.
      expect(await job('use')).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
      expect(await job('off')).toMatchObject({ status: 'disabled' });
      const blocks = (await store.listEdges(wf, 'blocks')).items.map((e) => `${e._from}>${e._to}`).sort();
      expect(blocks).toEqual(
        [
          `jobs/${k('gen')}>jobs/${k('mid')}`,
          `jobs/${k('mid')}>jobs/${k('use')}`,
          `jobs/${k('off')}>jobs/${k('use')}`,
        ].sort(),
      );
      expect(await store.statusCounts(wf)).toMatchObject({ ready: 2, blocked: 2, disabled: 1, uninitialized: 0 });
    });

    it('rejects a cycle with CycleError naming the jobs and changes nothing', async () => {
      const { store, wf } = fx;
      await create({
        jobs: ['a', 'b', 'c', 'd'],
        files: ['f'],
        edges: {
          blocks: [
            ['a', 'b'],
            ['b', 'c'],
          ],
          produces: [['c', 'f']],
          needs: [['a', 'f']],
        },
      });
      const err = await store.initializeWorkflow(wf).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CycleError);
      const cycle = (err as CycleError).cycle;
      expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
      expect(cycle[0]).toBe(cycle[cycle.length - 1]);
      expect((await store.getWorkflow(wf)).status).toBe('created');
      expect((await store.listEdges(wf, 'blocks')).total).toBe(2);
      expect((await store.statusCounts(wf)).uninitialized).toBe(4);
    });

    it('refuses to initialize twice', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await expect(store.initializeWorkflow(wf)).rejects.toBeInstanceOf(InvalidStateError);
      await expect(store.initializeWorkflow('nope')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('claimReady, listQueued, startAttempts', () => {
    it('moves ready jobs to queued exactly once', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'], edges: { blocks: [['a', 'c']] } });
      const other = newWorkflowKey();
      await create({ jobs: ['x'] }, store, other);
      await store.initializeWorkflow(wf);
      await store.initializeWorkflow(other);
      const first = await store.claimReady(1, wf);
      expect(first).toHaveLength(1);
      const second = await store.claimReady(10, wf);
      expect(second).toHaveLength(1);
      expect([...first, ...second].map((c) => c.job).sort()).toEqual([k('a'), k('b')]);
      expect(await store.claimReady(10, wf)).toEqual([]);
      expect(first[0]).toMatchObject({ workflow: wf, attempt: 1, resources: DEFAULT_RESOURCES });
      expect(await status('a')).toBe('queued');
      expect((await store.getDocument(wf, 'jobs', k('a'))).queued_at).toEqual(expect.any(String));
      // Without a workflow: the other workflow's job only.
      expect((await store.claimReady(10)).map((c) => c.job)).toEqual([keyOf(other, 'x')]);
      expect(await store.claimReady(10)).toEqual([]);
    });

    it('claims each ready job once under concurrent claims', async () => {
      const { store, wf } = fx;
      await create({ jobs: Array.from({ length: 30 }, (_, i) => `j${i}`) });
      await store.initializeWorkflow(wf);
      const claims = await Promise.all([store.claimReady(20, wf), store.claimReady(20, wf), store.claimReady(20)]);
      const jobs = claims.flat().map((c) => c.job);
      expect(jobs).toHaveLength(30);
      expect(new Set(jobs).size).toBe(30);
      expect((await store.statusCounts(wf)).queued).toBe(30);
    });

    it('lists queued jobs older than a time', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      const later = new Date(Date.now() + 60_000).toISOString();
      const queued = await store.listQueued(later, 10);
      expect(queued.map((q) => q.job).sort()).toEqual([k('a'), k('b')]);
      expect(queued[0]).toMatchObject({ workflow: wf, attempt: 1, resources: DEFAULT_RESOURCES });
      expect(await store.listQueued('2000-01-01T00:00:00.000Z', 10)).toEqual([]);
      expect(await store.listQueued(later, 1)).toHaveLength(1);
    });

    it('takes resources from the requires edge, else the defaults', async () => {
      const { store, wf } = fx;
      const big = {
        name: 'big',
        num_cpus: 4,
        memory: '8g',
        memory_bytes: 8 * 1024 ** 3,
        num_gpus: 1,
        num_nodes: 1,
        runtime: 'PT2H',
        runtime_s: 7200,
      };
      await create({
        jobs: ['a', 'b', { name: 'off', status: 'disabled' }],
        resource_requirements: [big],
        edges: { requires: [['a', 'big']] },
      });
      const expected = { num_cpus: 4, memory_bytes: 8 * 1024 ** 3, num_gpus: 1, num_nodes: 1, runtime_s: 7200 };
      expect(await store.listJobResources(wf)).toEqual([
        { job: k('a'), name: 'a', resources: expected },
        { job: k('b'), name: 'b', resources: DEFAULT_RESOURCES },
      ]);
      await store.initializeWorkflow(wf);
      const claimed = Object.fromEntries((await claimAll()).map((c) => [c.name, c.resources]));
      expect(claimed).toEqual({ a: expected, b: DEFAULT_RESOURCES });
    });

    it('starts only queued jobs at their attempt, recording the compute node and executed edge', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'], edges: { blocks: [['a', 'c']] } });
      await store.initializeWorkflow(wf);
      await store.claimReady(10, wf);
      const outcomes = await store.startAttempts([
        { workflow: wf, job: k('a'), attempt: 1, worker: WORKER },
        { workflow: wf, job: k('b'), attempt: 2, worker: WORKER },
        { workflow: wf, job: k('c'), attempt: 1, worker: WORKER },
        { workflow: wf, job: k('zz'), attempt: 1, worker: WORKER },
        { workflow: wf, job: k('a'), attempt: 1, worker: WORKER },
      ]);
      // The last item repeats the first from the same worker: answered again (issue 9), see below.
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false, true]);
      expect(outcomes[4]).toMatchObject({ ok: true, repeated: true, compute_node: `${wf}-${WORKER.worker_id}` });
      const ok = outcomes[0] as Extract<(typeof outcomes)[0], { ok: true }>;
      expect(ok.compute_node).toBe(`${wf}-${WORKER.worker_id}`);
      expect(ok.job).toMatchObject({
        _key: k('a'),
        status: 'running',
        command: 'echo a',
        started_at: expect.any(String),
      });
      expect(await status('b')).toBe('queued');
      const node = await store.getDocument(wf, 'compute_nodes', ok.compute_node);
      expect(node).toMatchObject({
        worker_id: 'wk1',
        hostname: 'node1',
        is_active: true,
        num_cpus: 8,
        started_at: expect.any(String),
      });
      const executed = await store.listEdges(wf, 'executed');
      expect(executed.items.map((e) => [e._from, e._to])).toEqual([
        [`compute_nodes/${ok.compute_node}`, `jobs/${k('a')}`],
      ]);
      // A second start on the same worker reuses the compute node.
      await start('b');
      expect((await store.listDocuments(wf, 'compute_nodes')).total).toBe(1);
      expect((await store.listEdges(wf, 'executed')).total).toBe(2);
    });

    it('answers a repeated start from the same worker as the first, writing nothing; refuses it from another', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      const [first] = await start('a');
      // The worker's first answer was lost: it asks again.
      const [again] = await start('a');
      expect(first).toMatchObject({ ok: true });
      expect(again).toEqual({ ...first, repeated: true });
      const other = { ...WORKER, worker_id: 'wk2', hostname: 'node2' };
      const [byOther] = await store.startAttempts([{ workflow: wf, job: k('a'), attempt: 1, worker: other }]);
      expect(byOther).toEqual({ ok: false, reason: `job ${k('a')} is running, not queued` });
      const started = await store.listDocuments(wf, 'events', { filter: { type: 'job_started' } });
      expect(started.total).toBe(1);
      expect((await store.listEdges(wf, 'executed')).total).toBe(1);
      expect((await store.listDocuments(wf, 'compute_nodes')).total).toBe(1);
      // Once the attempt has a result, a late repeat is refused: the job is no longer running.
      await store.completeAttempts([fx.completion('a')]);
      expect((await start('a'))[0]).toEqual({ ok: false, reason: `job ${k('a')} is completed, not queued` });
    });
  });
}
