/**
 * What the lost-worker watchdog tests share: a real SQLite file per test, a running workflow
 * with attempts on named workers, and real heartbeats and liveness connections that are
 * closed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { GraphStore, WorkerIdentity } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import type { HeldAttempt } from '../../src/queue/heartbeat-report.js';
import { WorkerHeartbeat, WorkerLiveness } from '../../src/queue/worker-heartbeat.js';
import { specToBundle } from '../../src/workflow-spec/index.js';

export const identity = (worker_id: string): WorkerIdentity => ({
  worker_id,
  hostname: 'h',
  pid: 1,
  num_cpus: 4,
  memory_bytes: 1024 ** 3,
  num_gpus: 0,
});

export interface WatchdogFixture {
  /** The test's store (a fresh SQLite file per test). */
  readonly store: GraphStore;
  /** Run each of `closes` after the test (last registered, first run). */
  defer(...closes: Array<() => Promise<void>>): void;
  /** Run what `defer` registered now (a suite that stops its own Redis first calls this). */
  closeAll(): Promise<void>;
  /** A running workflow whose jobs `a` and `b` run on workers `wa` and `wb`; `after` waits on `a`. */
  twoRunningJobs(): Promise<{ wf: string; a: string; b: string; after: string }>;
  /** A heartbeat (not started) beating every `intervalMs` with a TTL of 10 intervals, listing `held` attempts. */
  heartbeat(
    redisUrl: string,
    prefix: string,
    workerId: string,
    intervalMs?: number,
    held?: () => HeldAttempt[],
  ): WorkerHeartbeat;
  liveness(redisUrl: string, prefix: string): WorkerLiveness;
}

/** Register the per-test setup and teardown in the calling test file. */
export function useWatchdogFixture(): WatchdogFixture {
  let dir: string;
  let store: GraphStore;
  const closers: Array<() => Promise<void>> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jobgraph-lost-'));
    store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
  });
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  afterEach(async () => {
    await closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const defer = (...closes: Array<() => Promise<void>>) => void closers.push(...closes);
  return {
    get store() {
      return store;
    },
    defer,
    closeAll,
    twoRunningJobs: async () => {
      const wf = (
        await store.createWorkflow(
          specToBundle({
            name: 'lost',
            jobs: [
              { name: 'a', command: 'true' },
              { name: 'b', command: 'true' },
              { name: 'after', command: 'true', depends_on: ['a'] },
            ],
          }),
        )
      )._key;
      await store.initializeWorkflow(wf);
      const claimed = await store.claimReady(10, wf);
      const byName = new Map(claimed.map((c) => [c.name, c.job]));
      const [a, b] = [byName.get('a')!, byName.get('b')!];
      await store.startAttempts([
        { workflow: wf, job: a, attempt: 1, worker: identity('wa') },
        { workflow: wf, job: b, attempt: 1, worker: identity('wb') },
      ]);
      const after = (await store.listDocuments(wf, 'jobs', { filter: { name: 'after' } })).items[0]!._key;
      return { wf, a, b, after };
    },
    heartbeat: (redisUrl, prefix, workerId, intervalMs = 100, held) => {
      const hb = new WorkerHeartbeat({ redisUrl, prefix, workerId, intervalMs, ttlMs: 10 * intervalMs, held });
      defer(() => hb.stop());
      return hb;
    },
    liveness: (redisUrl, prefix) => {
      const l = new WorkerLiveness(redisUrl, prefix);
      defer(() => l.close());
      return l;
    },
  };
}
