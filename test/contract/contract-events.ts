/**
 * GraphStore contract, part: every lifecycle operation records its own event in the call
 * that makes its change (issue 9, item 3). Nothing here appends an event: each assertion
 * reads, right after one call on the port, exactly one event when the change happened and
 * none when it did not (a refusal, a repeat). That the two share one transaction — a failed
 * event write leaves no change behind — is shown on SQLite in sqlite-event-atomicity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { InvalidStateError, NotFoundError } from '../../src/core/errors.js';
import type { BaseDoc } from '../../src/core/model.js';
import { WORKER, type ContractFixture } from './contract-fixture.js';

export function eventsContract(fx: ContractFixture): void {
  const { k, create, claimAll, start, completion, run } = fx;
  /** a → b finished `failed`: a failed, b (which runs after a failed blocker) completed. */
  const failedWorkflow = async () => {
    await create({
      jobs: ['a', { name: 'b', cancel_on_blocking_job_failure: false }],
      edges: { blocks: [['a', 'b']] },
    });
    await fx.store.initializeWorkflow(fx.wf);
    await run('a', 'failed');
    await run('b');
    expect(await fx.store.finishWorkflowIfDone(fx.wf)).toMatchObject({ status: 'failed' });
  };
  const eventsOf = async (type: string): Promise<BaseDoc[]> =>
    (await fx.store.listDocuments(fx.wf, 'events', { filter: { type }, limit: 100 })).items;

  describe('lifecycle events', () => {
    it('initializeWorkflow records workflow_started with the fields it was given, and sets them on the workflow', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'], files: ['f'], edges: { produces: [['a', 'f']], needs: [['b', 'f']] } });
      const outcome = await store.initializeWorkflow(wf, {
        set: { auto_scale: { max_allocations: 2 }, status: 'failed' },
        event: { auto_scale: true, ready: 99 },
      });
      // `set` cannot override the lifecycle, nor `event` the store's own facts.
      expect(outcome.workflow).toMatchObject({ status: 'running', auto_scale: { max_allocations: 2 } });
      expect(await store.getWorkflow(wf)).toMatchObject({ status: 'running', auto_scale: { max_allocations: 2 } });
      expect(await eventsOf('workflow_started')).toEqual([
        expect.objectContaining({
          workflow: wf,
          source: 'system',
          ready: 1,
          blocked: 1,
          derived_blocks: 1,
          auto_scale: true,
          timestamp: expect.any(String),
        }),
      ]);
      await expect(store.initializeWorkflow(wf)).rejects.toBeInstanceOf(InvalidStateError);
      expect(await eventsOf('workflow_started')).toHaveLength(1);
    });

    it('finishWorkflowIfDone records workflow_finished on the transition only', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b'] });
      await store.initializeWorkflow(wf);
      await run('a');
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      expect(await eventsOf('workflow_finished')).toEqual([]);
      await run('b', 'failed');
      const done = await store.finishWorkflowIfDone(wf);
      expect(done).toMatchObject({ status: 'failed' });
      expect(await eventsOf('workflow_finished')).toEqual([
        expect.objectContaining({ source: 'system', status: 'failed', finished_at: done!.finished_at }),
      ]);
      expect(await store.finishWorkflowIfDone(wf)).toBeUndefined();
      expect(await eventsOf('workflow_finished')).toHaveLength(1);
    });

    it('cancelWorkflow and cancelJob record their events; refusals record none', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c', 'd'], edges: { blocks: [['a', 'b']] } });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.cancelJob(wf, k('a'));
      expect(await eventsOf('job_canceled')).toEqual([
        expect.objectContaining({
          source: 'system',
          job: k('a'),
          attempt: 1,
          was_running: true,
          dependents_canceled: [k('b')],
          newly_ready: 0,
        }),
      ]);
      await expect(store.cancelJob(wf, k('a'))).rejects.toBeInstanceOf(InvalidStateError);
      expect(await eventsOf('job_canceled')).toHaveLength(1);

      await start('c');
      await store.cancelWorkflow(wf);
      expect(await eventsOf('workflow_canceled')).toEqual([
        expect.objectContaining({ source: 'system', canceled: 2, running: 1, queued: 1 }),
      ]);
      await expect(store.cancelWorkflow(wf)).rejects.toBeInstanceOf(InvalidStateError);
      expect(await eventsOf('workflow_canceled')).toHaveLength(1);
    });

    it('recordLostAttempts records worker_lost per compute node with what the caller knows', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a', 'b', 'c'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await start('b');
      const node = `${wf}-${WORKER.worker_id}`;
      const lost = (n: string) => ({ workflow: wf, job: k(n), attempt: 1, compute_node: node });
      const outcomes = await store.recordLostAttempts([lost('a'), lost('b'), lost('c')], {
        maxLostReruns: 0,
        event: { worker_id: WORKER.worker_id, heartbeat_missing_since: '2026-01-01T00:00:00.000Z', jobs: 'ignored' },
      });
      expect(outcomes.map((o) => o.recorded)).toEqual([true, true, false]);
      expect(await eventsOf('worker_lost')).toEqual([
        expect.objectContaining({
          source: 'system',
          worker_id: WORKER.worker_id,
          compute_node: node,
          heartbeat_missing_since: '2026-01-01T00:00:00.000Z',
          jobs: [
            { job: k('a'), attempt: 1, outcome: 'failed', lost_reruns: 0 },
            { job: k('b'), attempt: 1, outcome: 'failed', lost_reruns: 0 },
          ],
        }),
      ]);
      // Nothing recorded, nothing to tell.
      await store.recordLostAttempts([lost('a')], { maxLostReruns: 0 });
      expect(await eventsOf('worker_lost')).toHaveLength(1);
    });

    it('restartJobs records workflow_restarted with the jobs it reset; nothing reset, no event', async () => {
      const { store, wf } = fx;
      await failedWorkflow();
      expect(await store.restartJobs(wf, [])).toEqual({ reset: [], ready: 0 });
      expect(await eventsOf('workflow_restarted')).toEqual([]);
      const outcome = await store.restartJobs(wf, [k('a'), k('b')], { event: { reasons: { failed: 1 } } });
      expect(outcome).toEqual({ reset: [k('a'), k('b')], ready: 1 });
      expect(await eventsOf('workflow_restarted')).toEqual([
        expect.objectContaining({
          source: 'system',
          jobs: 2,
          ready: 1,
          reset: [k('a'), k('b')],
          reasons: { failed: 1 },
        }),
      ]);
    });

    it('restartJobs with one request id resets once, however often it is repeated', async () => {
      const { store, wf } = fx;
      await failedWorkflow();
      const first = await store.restartJobs(wf, [k('a'), k('b')], { request_id: 'req-1' });
      expect(first).toEqual({ reset: [k('a'), k('b')], ready: 1 });
      // The scheduler may have claimed a job meanwhile: a plain restart of it would be refused,
      // the repeat of the request is answered all the same.
      await claimAll();
      const again = await store.restartJobs(wf, [k('a'), k('b')], { request_id: 'req-1' });
      expect(again).toEqual({ reset: [k('a'), k('b')], ready: 1, repeated: true });
      expect(await store.restartJobs(wf, [], { request_id: 'req-1' })).toMatchObject({ repeated: true });
      expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ attempt: 2, status: 'queued' });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ attempt: 2, status: 'blocked' });
      expect(await eventsOf('workflow_restarted')).toEqual([expect.objectContaining({ request_id: 'req-1' })]);

      // Another request is another restart; the id is per workflow.
      expect(await store.restartJobs(wf, [k('b')], { request_id: 'req-2' })).toEqual({ reset: [k('b')], ready: 0 });
      expect(await store.getDocument(wf, 'jobs', k('b'))).toMatchObject({ attempt: 3 });
      expect((await eventsOf('workflow_restarted')).map((e) => e.request_id)).toEqual(['req-1', 'req-2']);
    });

    it('completion events are still written by completeAttempts itself', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await claimAll();
      await start('a');
      await store.completeAttempts([completion('a')]);
      expect(await eventsOf('job_completed')).toHaveLength(1);
    });
  });

  describe('listEventsAfter', () => {
    it('pages events oldest first from a cursor, system and user events alike', async () => {
      const { store, wf } = fx;
      await create({ jobs: ['a'] });
      await store.initializeWorkflow(wf);
      await store.appendEvents([
        { workflow: wf, source: 'user', type: 'first' },
        { workflow: wf, source: 'user', type: 'second' },
      ]);
      await store.appendEvents([{ workflow: wf, source: 'user', type: 'third' }]);
      const all = await store.listEventsAfter(wf, undefined, 100);
      expect(all.map((e) => e.type)).toEqual(['workflow_started', 'first', 'second', 'third']);
      expect(all.map((e) => e._key)).toEqual([...all.map((e) => e._key)].sort());

      const firstTwo = await store.listEventsAfter(wf, undefined, 2);
      expect(firstTwo.map((e) => e.type)).toEqual(['workflow_started', 'first']);
      const rest = await store.listEventsAfter(wf, firstTwo[1]!._key, 100);
      expect(rest.map((e) => e.type)).toEqual(['second', 'third']);
      expect(await store.listEventsAfter(wf, all[3]!._key, 100)).toEqual([]);
      await expect(store.listEventsAfter('nope', undefined, 10)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
