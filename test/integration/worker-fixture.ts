/**
 * A real stack for worker tests, isolated per test: SQLite file and job directory under
 * the OS temp dir, own queue prefix on the shared test redis-server, the real scheduler,
 * and the real API listening on a loopback port. Workflows come from specs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { createApp } from '../../src/api/app.js';
import { serveApi, type RunningApi } from '../../src/api/serve.js';
import { randomKey } from '../../src/core/keys.js';
import { silentLogger } from '../../src/core/logger.js';
import type { BaseDoc, EdgeDoc, JobDoc, ResultDoc } from '../../src/core/model.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Notifier } from '../../src/queue/notifications.js';
import { WorkerLiveness } from '../../src/queue/worker-heartbeat.js';
import { LostWorkerWatchdog } from '../../src/scheduler/lost-worker-watchdog.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { startWorkflow } from '../../src/scheduler/start-workflow.js';
import { specToBundle } from '../../src/workflow-spec/index.js';
import type { WorkerOptions } from '../../src/worker/worker.js';

export interface WorkerStack {
  /** Per-test directory: jobs run here (the worker's cwd); logs go under it. */
  dir: string;
  prefix: string;
  store: GraphStore;
  api: RunningApi;
  scheduler: Scheduler;
  /** Create a workflow from a spec; returns its key. */
  create(spec: Record<string, unknown>): Promise<string>;
  /** Initialize the workflow and poke the scheduler. */
  start(workflow: string): Promise<void>;
  /** Jobs by name. */
  jobs(workflow: string): Promise<Map<string, JobDoc>>;
  /** Results by job `_key`. */
  results(workflow: string): Promise<Map<string, ResultDoc>>;
  edges(workflow: string, collection: 'executed' | 'returned'): Promise<EdgeDoc[]>;
  close(): Promise<void>;
}

async function all<T extends BaseDoc>(
  load: (offset: number) => Promise<{ items: BaseDoc[]; total: number }>,
): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await load(out.length);
    out.push(...(page.items as T[]));
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

/** What the stack's API tells registering workers, when a test needs other than the defaults. */
export interface WorkerStackOptions {
  /** The Redis URL handed to workers (e.g. through a proxy the test controls). @default redisUrl */
  workerRedisUrl?: string;
  /** Heartbeat timing handed to workers. @default none: the workers' own defaults */
  heartbeat?: ApiDeps['heartbeat'];
  /** Run the lost-worker watchdog on each reconcile, with this `confirmMs`. @default no watchdog */
  watchdogConfirmMs?: number;
  /** Bounded promotion with this floor, watermarks from the live workers' heartbeats (decision 0016). @default unbounded */
  queueFloor?: number;
}

export async function openWorkerStack(redisUrl: string, options: WorkerStackOptions = {}): Promise<WorkerStack> {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-worker-'));
  const prefix = `t-${randomKey(6)}`;
  const store = await openSqliteGraphStore(join(dir, 'graph.sqlite'));
  const producer = new JobProducer({ redisUrl, prefix });
  const notifier = new Notifier(redisUrl, prefix);
  const liveness =
    options.watchdogConfirmMs !== undefined || options.queueFloor !== undefined
      ? new WorkerLiveness(redisUrl, prefix)
      : undefined;
  const watchdog =
    liveness &&
    options.watchdogConfirmMs !== undefined &&
    new LostWorkerWatchdog({
      store,
      liveness,
      notifier,
      logger: silentLogger,
      confirmMs: options.watchdogConfirmMs!,
      maxLostReruns: 3,
    });
  // A short reconcile so entries given back on stop are re-queued quickly in tests.
  const scheduler = new Scheduler({
    store,
    producer,
    notifier,
    logger: silentLogger,
    reconcileMs: 500,
    reconcileAgeMs: 1000,
    ...(watchdog && { watchdog }),
    ...(options.queueFloor !== undefined && { promotion: { floor: options.queueFloor, liveness } }),
  });
  await scheduler.start();
  const app = createApp({
    store,
    redisUrl: options.workerRedisUrl ?? redisUrl,
    queuePrefix: prefix,
    notifier,
    logger: silentLogger,
    dashboard: false,
    ...(options.heartbeat && { heartbeat: options.heartbeat }),
  });
  const api = await serveApi(app, { host: '127.0.0.1', port: 0 });

  return {
    dir,
    prefix,
    store,
    api,
    scheduler,
    create: async (spec) => (await store.createWorkflow(specToBundle(spec)))._key,
    start: async (workflow) => void (await startWorkflow({ store, scheduler }, workflow)),
    jobs: async (workflow) => {
      const docs = await all<JobDoc>((offset) => store.listDocuments(workflow, 'jobs', { offset, limit: 1000 }));
      return new Map(docs.map((j) => [j.name, j]));
    },
    results: async (workflow) => {
      const docs = await all<ResultDoc>((offset) => store.listDocuments(workflow, 'results', { offset, limit: 1000 }));
      return new Map(docs.map((r) => [r.job, r]));
    },
    edges: (workflow, collection) =>
      all<EdgeDoc>((offset) => store.listEdges(workflow, collection, { offset, limit: 1000 })),
    close: async () => {
      await api.close();
      await scheduler.stop();
      await liveness?.close();
      await producer.close();
      await notifier.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Most intervals `[start, end)` that overlap at one instant (ends sort before starts at equal times). */
export function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([s, e]) => [
    [s, 1],
    [e, -1],
  ]) as Array<[number, number]>;
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of points) max = Math.max(max, (now += delta));
  return max;
}

/** Options of a worker on `stack` for tests: 4 CPUs, 64 GiB, no GPU, quick polls and grace; `overrides` win. */
export function testWorkerOptions(stack: WorkerStack, overrides: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    apiUrl: stack.api.url,
    num_cpus: 4,
    memory_bytes: 64 * 1024 ** 3,
    num_gpus: 0,
    cwd: stack.dir,
    idlePollMs: 100,
    terminateGraceMs: 2000,
    ...overrides,
  };
}
