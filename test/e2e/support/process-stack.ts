/**
 * Real `jobgraph` processes for crash tests: the API and the scheduler as separate
 * processes (or one `server`), workers, each of which a test can kill -9 and start again
 * over the same SQLite file, Redis and queue prefix. Short heartbeat/reconcile settings
 * keep the tests quick; the graph is read directly from the SQLite file (WAL allows it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomKey } from '../../../src/core/keys.js';
import type { JobDoc, ResultDoc } from '../../../src/core/model.js';
import type { GraphStore } from '../../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../../src/graph/sqlite/sqlite-graph-store.js';
import { makeRunDir, runCli, spawnCli, waitFor } from './cli.js';
import { freePort } from './test-server.js';

export { freePort };

export type Child = ReturnType<typeof spawnCli>;

/** Settings that make lost-worker detection and re-queueing take seconds, not a minute. */
export const FAST_RECOVERY = {
  JOBGRAPH_HEARTBEAT_MS: '500',
  JOBGRAPH_WORKER_TIMEOUT_MS: '1500',
  // Fencing as late as the timeout allows: on a loaded 2-core runner a heartbeat can be half a
  // second late, which the derived 1 s would take for a partition and terminate live jobs.
  JOBGRAPH_FENCE_MS: '1400',
  JOBGRAPH_RECONCILE_MS: '500',
};

export interface ProcessStack {
  dir: string;
  api: string;
  env: Record<string, string>;
  /** Every child started, for cleanup. */
  children: Child[];
  startApi(): Promise<Child>;
  startScheduler(): Child;
  /** `jobgraph server` (api + scheduler). */
  startServer(): Promise<Child>;
  startWorker(args?: string[]): Child;
  /** Run a `jobgraph` client command against the API; its stdout. */
  cli(...args: string[]): Promise<string>;
  /** Create and start a workflow from YAML text; its key. */
  createAndStart(yaml: string): Promise<string>;
  /** A store over the same SQLite file, for assertions. */
  store(): GraphStore;
  jobs(wf: string): Promise<JobDoc[]>;
  results(wf: string): Promise<ResultDoc[]>;
  /** Kill every child still running (SIGKILL) and close the store. */
  cleanup(): Promise<void>;
}

export function exited(child: Child): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('close', (code) => r(code)));
}

export async function killHard(child: Child): Promise<void> {
  const done = exited(child);
  child.kill('SIGKILL');
  await done;
}

export async function openProcessStack(redisUrl: string, extraEnv: Record<string, string> = {}): Promise<ProcessStack> {
  const dir = makeRunDir();
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env = {
    REDIS_URL: redisUrl,
    JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}`,
    JOBGRAPH_DB: join(dir, 'graph.sqlite'),
    ...FAST_RECOVERY,
    ...extraEnv,
  };
  const children: Child[] = [];
  let store: GraphStore | undefined;
  const spawnRole = (args: string[]) => {
    const child = spawnCli(args, { cwd: dir, env });
    children.push(child);
    return child;
  };
  const healthy = () =>
    waitFor(
      async () => ((await fetch(`${api}/health`).catch(() => undefined))?.ok ? true : undefined),
      60_000,
      'the API',
    );
  const stack: ProcessStack = {
    dir,
    api,
    env,
    children,
    startApi: async () => {
      const child = spawnRole(['api', '--port', String(port)]);
      await healthy();
      return child;
    },
    startScheduler: () => spawnRole(['scheduler']),
    startServer: async () => {
      const child = spawnRole(['server', '--port', String(port)]);
      await healthy();
      return child;
    },
    startWorker: (args = []) =>
      spawnRole(['worker', 'start', '--api', api, '--cpus', '2', '--mem', '1g', '--cwd', dir, ...args]),
    cli: async (...args) => {
      const r = await runCli([...args, '--api', api], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`jobgraph ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    createAndStart: async (yaml) => {
      const file = join(dir, `wf-${randomKey(4)}.yaml`);
      writeFileSync(file, yaml);
      const key = (await stack.cli('workflow', 'create', file)).trim();
      await stack.cli('workflow', 'start', key);
      return key;
    },
    store: () => (store ??= openSqliteGraphStore(env.JOBGRAPH_DB)),
    jobs: async (wf) => (await stack.store().listDocuments(wf, 'jobs', { limit: 10_000 })).items as JobDoc[],
    results: async (wf) => (await stack.store().listDocuments(wf, 'results', { limit: 10_000 })).items as ResultDoc[],
    cleanup: async () => {
      await Promise.all(children.splice(0).map((c) => killHard(c)));
      await store?.close();
    },
  };
  return stack;
}

/** Results per job key, to assert exactly one result per attempt. */
export function attemptsByJob(results: ResultDoc[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of results)
    out.set(
      r.job,
      [...(out.get(r.job) ?? []), r.attempt].sort((a, b) => a - b),
    );
  return out;
}
