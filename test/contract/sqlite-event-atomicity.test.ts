/**
 * A lifecycle change and its event are one transaction (issue 9, item 3), shown on a real
 * SQLite file: a trigger installed through a second connection makes every event insert
 * fail, as a crash or a full disk between the two writes would. Each operation must then
 * fail as a whole — no finished workflow without `workflow_finished`, no restart that bumped
 * the attempts without `workflow_restarted` — and succeed with its event once the trigger
 * is gone.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { buildBundle, keyOf, newWorkflowKey } from './bundles.js';
import { WORKER } from './contract-fixture.js';

let dir: string;
let file: string;
let store: GraphStore;
let wf: string;
const k = (n: string) => keyOf(wf, n);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobgraph-atomicity-'));
  file = join(dir, 'graph.sqlite');
  store = openSqliteGraphStore(file);
  wf = newWorkflowKey();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `fn` while every event insert into the file fails. */
async function withFailingEvents<T>(fn: () => Promise<T>): Promise<T> {
  const other = new Database(file);
  try {
    other.exec(`CREATE TRIGGER fail_events BEFORE INSERT ON docs WHEN NEW.collection = 'events'
                BEGIN SELECT RAISE(ABORT, 'injected: event write failed'); END`);
    return await fn();
  } finally {
    other.exec('DROP TRIGGER IF EXISTS fail_events');
    other.close();
  }
}

const events = async (type: string) =>
  (await store.listDocuments(wf, 'events', { filter: { type } })).items.map((e) => e.type);

async function runJob(n: string, status: 'completed' | 'failed' = 'completed', attempt = 1): Promise<void> {
  await store.claimReady(100, wf);
  const [started] = await store.startAttempts([{ workflow: wf, job: k(n), attempt, worker: WORKER }]);
  expect(started?.ok).toBe(true);
  await store.completeAttempts([
    {
      workflow: wf,
      job: k(n),
      attempt,
      status,
      return_code: status === 'completed' ? 0 : 1,
      exec_time_s: 1,
      completion_time: '2026-01-01T00:00:00.000Z',
      compute_node: `${wf}-${WORKER.worker_id}`,
    },
  ]);
}

describe('SQLite: a lifecycle change is written with its event or not at all', () => {
  it('initializeWorkflow', async () => {
    await store.createWorkflow(buildBundle(wf, { jobs: ['a'] }));
    await withFailingEvents(() =>
      expect(store.initializeWorkflow(wf, { set: { auto_scale: true } })).rejects.toThrow(/injected/),
    );
    expect(await store.getWorkflow(wf)).toMatchObject({ status: 'created' });
    expect(await store.getWorkflow(wf)).not.toHaveProperty('auto_scale');
    expect((await store.getDocument(wf, 'jobs', k('a'))).status).toBe('uninitialized');
    await store.initializeWorkflow(wf);
    expect(await events('workflow_started')).toEqual(['workflow_started']);
  });

  it('finishWorkflowIfDone', async () => {
    await store.createWorkflow(buildBundle(wf, { jobs: ['a'] }));
    await store.initializeWorkflow(wf);
    await runJob('a');
    await withFailingEvents(() => expect(store.finishWorkflowIfDone(wf)).rejects.toThrow(/injected/));
    expect((await store.getWorkflow(wf)).status).toBe('running');
    expect(await store.finishWorkflowIfDone(wf)).toMatchObject({ status: 'completed' });
    expect(await events('workflow_finished')).toEqual(['workflow_finished']);
  });

  it('cancelWorkflow and cancelJob', async () => {
    await store.createWorkflow(buildBundle(wf, { jobs: ['a', 'b'] }));
    await store.initializeWorkflow(wf);
    await withFailingEvents(async () => {
      await expect(store.cancelJob(wf, k('a'))).rejects.toThrow(/injected/);
      await expect(store.cancelWorkflow(wf)).rejects.toThrow(/injected/);
    });
    expect(await store.statusCounts(wf)).toMatchObject({ ready: 2, canceled: 0 });
    expect((await store.getWorkflow(wf)).status).toBe('running');
    await store.cancelJob(wf, k('a'));
    await store.cancelWorkflow(wf);
    expect([...(await events('job_canceled')), ...(await events('workflow_canceled'))]).toEqual([
      'job_canceled',
      'workflow_canceled',
    ]);
  });

  it('recordLostAttempts', async () => {
    await store.createWorkflow(buildBundle(wf, { jobs: ['a'] }));
    await store.initializeWorkflow(wf);
    await store.claimReady(10, wf);
    await store.startAttempts([{ workflow: wf, job: k('a'), attempt: 1, worker: WORKER }]);
    const lost = [{ workflow: wf, job: k('a'), attempt: 1, compute_node: `${wf}-${WORKER.worker_id}` }];
    await withFailingEvents(() =>
      expect(store.recordLostAttempts(lost, { maxLostReruns: 3 })).rejects.toThrow(/injected/),
    );
    expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'running', attempt: 1 });
    expect((await store.listDocuments(wf, 'results')).total).toBe(0);
    expect((await store.recordLostAttempts(lost, { maxLostReruns: 3 }))[0]).toMatchObject({ recorded: true });
    expect(await events('worker_lost')).toEqual(['worker_lost']);
  });

  it('restartJobs: a failed event write does not leave the attempt bumped, so a retry bumps it once', async () => {
    await store.createWorkflow(buildBundle(wf, { jobs: ['a'] }));
    await store.initializeWorkflow(wf);
    await runJob('a', 'failed');
    await store.finishWorkflowIfDone(wf);
    await withFailingEvents(() =>
      expect(store.restartJobs(wf, [k('a')], { request_id: 'r1' })).rejects.toThrow(/injected/),
    );
    expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'failed', attempt: 1 });
    expect((await store.getWorkflow(wf)).status).toBe('failed');
    expect(await store.restartJobs(wf, [k('a')], { request_id: 'r1' })).toEqual({ reset: [k('a')], ready: 1 });
    expect(await store.restartJobs(wf, [k('a')], { request_id: 'r1' })).toMatchObject({ repeated: true });
    expect(await store.getDocument(wf, 'jobs', k('a'))).toMatchObject({ status: 'ready', attempt: 2 });
    expect(await events('workflow_restarted')).toEqual(['workflow_restarted']);
  });
});
