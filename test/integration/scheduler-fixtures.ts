/**
 * Hand-built workflow bundles and per-test Redis/SQLite resources for the scheduler
 * suites (independent of the spec builder, so these tests pin the scheduler alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { randomKey } from '../../src/core/keys.js';
import { docId, type BaseDoc, type EdgeDoc, type WorkflowBundle } from '../../src/core/model.js';
import type { GraphStore, WorkerIdentity } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { Notifier } from '../../src/queue/notifications.js';

export interface JobSpec {
  name: string;
  /** Name of a resource requirement in `requirements`. */
  requires?: string;
  /** Names of jobs that block this one. */
  after?: string[];
  disabled?: boolean;
}

export interface RequirementSpec {
  name: string;
  num_cpus: number;
  memory_bytes?: number;
  num_gpus?: number;
  num_nodes?: number;
}

export interface BuiltWorkflow {
  bundle: WorkflowBundle;
  key: string;
  /** Job name → job `_key`. */
  jobKey: (name: string) => string;
}

/** A workflow of `jobs` (status `uninitialized`) with `blocks` and `requires` edges as given. */
export function buildWorkflow(jobs: JobSpec[], requirements: RequirementSpec[] = []): BuiltWorkflow {
  const key = `wf${randomKey(8)}`;
  const jobKey = (name: string) => `${key}-${name}`;
  const rrKey = (name: string) => `${key}-rr-${name}`;
  const edge = (collection: string, from: string, to: string): EdgeDoc => {
    const _key = `${key}-${randomKey(10)}`;
    return { _key, _id: docId(collection, _key), _from: from, _to: to, workflow: key };
  };
  const jobDocs: BaseDoc[] = jobs.map((j) => ({
    _key: jobKey(j.name),
    _id: docId('jobs', jobKey(j.name)),
    workflow: key,
    name: j.name,
    command: `echo ${j.name}`,
    status: j.disabled ? 'disabled' : 'uninitialized',
    attempt: 1,
    unfinished_blockers: 0,
    cancel_on_blocking_job_failure: true,
    supports_termination: false,
  }));
  const rrDocs: BaseDoc[] = requirements.map((r) => ({
    _key: rrKey(r.name),
    _id: docId('resource_requirements', rrKey(r.name)),
    workflow: key,
    name: r.name,
    num_cpus: r.num_cpus,
    memory: `${r.memory_bytes ?? 1024 ** 3}`,
    memory_bytes: r.memory_bytes ?? 1024 ** 3,
    num_gpus: r.num_gpus ?? 0,
    num_nodes: r.num_nodes ?? 1,
    runtime: 'PT1H',
    runtime_s: 3600,
  }));
  const blocks = jobs.flatMap((j) =>
    (j.after ?? []).map((b) => edge('blocks', docId('jobs', jobKey(b)), docId('jobs', jobKey(j.name)))),
  );
  const requires = jobs
    .filter((j) => j.requires)
    .map((j) => edge('requires', docId('jobs', jobKey(j.name)), docId('resource_requirements', rrKey(j.requires!))));
  return {
    key,
    jobKey,
    bundle: {
      workflow: {
        _key: key,
        _id: docId('workflows', key),
        name: `test ${key}`,
        status: 'created',
        created_at: new Date().toISOString(),
      },
      documents: { jobs: jobDocs, resource_requirements: rrDocs },
      edges: { blocks, requires },
    },
  };
}

/** A fresh directory under the OS temp dir for one test's SQLite file; `cleanup` removes it. */
export function tempDbPath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-sched-'));
  return { path: join(dir, 'graph.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Delete every Redis key under `prefix:` (never FLUSHDB: other suites share the server). */
export async function deletePrefixKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Everything a scheduler test needs, isolated: own SQLite file, own queue prefix. */
export interface SchedulerEnv {
  redisUrl: string;
  prefix: string;
  store: GraphStore;
  producer: JobProducer;
  notifier: Notifier;
  /** A plain client for assertions and cleanup. */
  redis: Redis;
  close(): Promise<void>;
}

export async function openSchedulerEnv(redisUrl: string): Promise<SchedulerEnv> {
  const prefix = `t-${randomKey(6)}`;
  const db = tempDbPath();
  const store = await openSqliteGraphStore(db.path);
  const producer = new JobProducer({ redisUrl, prefix });
  const notifier = new Notifier(redisUrl, prefix);
  const redis = new Redis(redisUrl);
  return {
    redisUrl,
    prefix,
    store,
    producer,
    notifier,
    redis,
    close: async () => {
      await producer.close();
      await notifier.close();
      await store.close();
      await deletePrefixKeys(redis, prefix);
      await redis.quit();
      db.cleanup();
    },
  };
}

export const TEST_WORKER: WorkerIdentity = {
  worker_id: 'w1',
  hostname: 'test-host',
  pid: 1,
  num_cpus: 64,
  memory_bytes: 256 * 1024 ** 3,
  num_gpus: 0,
};

/** Act as a worker for one queued job: start it and record its end (what the API does for a real worker). */
export async function runJob(
  store: GraphStore,
  workflow: string,
  job: string,
  status: 'completed' | 'failed' = 'completed',
): Promise<void> {
  const [started] = await store.startAttempts([{ workflow, job, attempt: 1, worker: TEST_WORKER }]);
  if (!started?.ok) throw new Error(`start of ${job} refused: ${started ? started.reason : 'no answer'}`);
  const [done] = await store.completeAttempts([
    {
      workflow,
      job,
      attempt: 1,
      status,
      return_code: status === 'completed' ? 0 : 1,
      exec_time_s: 0.01,
      completion_time: new Date().toISOString(),
      compute_node: started.compute_node,
    },
  ]);
  if (!done?.ok) throw new Error(`completion of ${job} refused: ${done ? done.reason : 'no answer'}`);
}
