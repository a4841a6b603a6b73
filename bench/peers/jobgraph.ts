/**
 * jobgraph itself, as `jobgraph run` runs it: a private redis-server, a SQLite file, the API on
 * a loopback port, the scheduler and one worker with --cpus = cores, all in this process. The
 * clock starts when the workflow is started (services and workflow creation are not counted)
 * and stops when the worker exits after the last job. "embedded": the worker calls the API
 * in-process, as `jobgraph run` does (its starts, completions and status reads as direct calls of
 * the API's operations, decision 0019); "over HTTP": as a worker on another process or machine does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices } from '../../src/cli/services.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/queue/private-redis.js';
import { startWorkflow } from '../../src/scheduler/start-workflow.js';
import { specToBundle } from '../../src/workflow-spec/index.js';
import { startWorker } from '../../src/worker/worker.js';
import { msSince, type Peer } from './peer.js';

/** N independent `true` jobs (a parameterized job). */
export function independentSpec(count: number): Record<string, unknown> {
  return { name: 'bench-independent', jobs: [{ name: 'j{i}', command: 'true', parameters: { i: `1:${count}` } }] };
}

/** A chain of `links` `true` jobs, each depending on the one before. */
export function chainSpec(links: number): Record<string, unknown> {
  return {
    name: 'bench-chain',
    jobs: Array.from({ length: links }, (_, i) => ({
      name: `c${i}`,
      command: 'true',
      ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}),
    })),
  };
}

/**
 * Run `spec` to completion with one worker of `cores` CPUs; @returns wall ms from start to the worker's exit.
 * @throws when a job did not complete
 */
export async function jobgraphMs(
  spec: Record<string, unknown>,
  redisUrl: string,
  overHttp: boolean,
  cores: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-bench-'));
  const config = loadConfig(
    { JOBGRAPH_DB: join(dir, 'graph.sqlite'), JOBGRAPH_PORT: 0, JOBGRAPH_QUEUE_PREFIX: `bench${Date.now()}` },
    {},
  );
  const services = await startServices(config, redisUrl, { api: true, scheduler: true }, silentLogger);
  try {
    const wf = await services.store.createWorkflow(specToBundle(spec));
    const worker = await startWorker({
      apiUrl: services.apiUrl!,
      apiFetch: overHttp ? undefined : services.apiFetch,
      inProcessApi: overHttp ? undefined : services.workerApi,
      notifier: overHttp ? undefined : services.notifier,
      num_cpus: cores,
      memory_bytes: 64 * 1024 ** 3,
      num_gpus: 0,
      workflow: wf._key,
      cwd: dir,
      logger: silentLogger,
    });
    const began = process.hrtime.bigint();
    await startWorkflow({ store: services.store, scheduler: services.scheduler! }, wf._key);
    const code = await worker.done;
    const ms = msSince(began);
    const counts = await services.store.statusCounts(wf._key);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (code !== 0 || counts.completed !== total)
      throw new Error(`bench workflow did not complete: ${JSON.stringify(counts)}`);
    return ms;
  } finally {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** jobgraph as a peer in the side-by-side table, embedded or over HTTP; one private redis-server each. */
function jobgraphPeer(overHttp: boolean): Peer {
  let redis: PrivateRedis | undefined;
  return {
    name: overHttp ? 'jobgraph, over HTTP' : 'jobgraph, embedded',
    how: overHttp
      ? 'as embedded, but the worker calls the API over loopback HTTP'
      : 'jobgraph run: private redis-server, SQLite, API, scheduler, one worker --cpus <cores>; services start not counted',
    async detect() {
      return 'this checkout';
    },
    async start() {
      redis = await startPrivateRedis();
    },
    independentMs(count, cores) {
      return jobgraphMs(independentSpec(count), redis!.url, overHttp, cores);
    },
    chainMs(links, cores) {
      return jobgraphMs(chainSpec(links), redis!.url, overHttp, cores);
    },
    async stop() {
      await redis?.stop();
    },
  };
}

/** `jobgraph run`'s in-process worker. */
export const jobgraphEmbedded = jobgraphPeer(false);
/** A worker calling the API over HTTP. */
export const jobgraphOverHttp = jobgraphPeer(true);
