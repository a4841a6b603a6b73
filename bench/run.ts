/**
 * `npm run bench`: what jobgraph costs per job and per dependency link, against xargs
 * spawning the same shell commands in the same run on the same machine.
 *
 * - throughput: N independent `true` jobs on one worker with --cpus = cores, versus
 *   `xargs -P<cores>` running `sh -c true` N times. Figure: wall time / N.
 * - chain: a C-job dependency chain of `true` jobs, versus `xargs -P1` running them one
 *   after another. Figure: wall time / C (per-link latency: complete → unblock → promote
 *   → take → start → spawn).
 * Each measurement is repeated; medians are printed. Everything (private redis-server,
 * SQLite file, API on a loopback port, scheduler, worker) is real, in this process, as in
 * `jobgraph run`. Each jobgraph figure is taken twice: "embedded", where the worker calls
 * the API in-process as `jobgraph run` does, and "over HTTP", as a worker on another
 * process or machine does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServices } from '../src/cli/services.js';
import { loadConfig } from '../src/core/config.js';
import { silentLogger } from '../src/core/logger.js';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { startWorkflow } from '../src/scheduler/start-workflow.js';
import { specToBundle } from '../src/workflow-spec/index.js';
import { startWorker } from '../src/worker/worker.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    chain: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '3' },
  },
});
const JOBS = Number(values.jobs);
const CHAIN = Number(values.chain);
const REPEAT = Number(values.repeat);
const CORES = availableParallelism();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function xargsMs(count: number, parallel: number): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `seq ${count} | xargs -P${parallel} -n1 sh -c true`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('xargs baseline failed');
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function jobgraphMs(spec: Record<string, unknown>, redisUrl: string, overHttp: boolean): Promise<number> {
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
      // Embedded (as `jobgraph run`): API calls in-process. Over HTTP: as a separate worker process would.
      apiFetch: overHttp ? undefined : services.apiFetch,
      num_cpus: CORES,
      memory_bytes: 64 * 1024 ** 3,
      num_gpus: 0,
      workflow: wf._key,
      cwd: dir,
      logger: silentLogger,
    });
    const start = process.hrtime.bigint();
    await startWorkflow({ store: services.store, scheduler: services.scheduler! }, wf._key);
    const code = await worker.done;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
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

const independentSpec = {
  name: 'bench-independent',
  jobs: [{ name: 'j{i}', command: 'true', parameters: { i: `1:${JOBS}` } }],
};
const chainSpec = {
  name: 'bench-chain',
  jobs: Array.from({ length: CHAIN }, (_, i) => ({
    name: `c${i}`,
    command: 'true',
    ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}),
  })),
};

const redis = await startPrivateRedis();
try {
  const rows: Array<[string, number[], number[]]> = [];
  const jgIndep: number[] = [];
  const jgIndepHttp: number[] = [];
  const xIndep: number[] = [];
  const jgChain: number[] = [];
  const jgChainHttp: number[] = [];
  const xChain: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    xIndep.push(xargsMs(JOBS, CORES) / JOBS);
    jgIndep.push((await jobgraphMs(independentSpec, redis.url, false)) / JOBS);
    jgIndepHttp.push((await jobgraphMs(independentSpec, redis.url, true)) / JOBS);
    xChain.push(xargsMs(CHAIN, 1) / CHAIN);
    jgChain.push((await jobgraphMs(chainSpec, redis.url, false)) / CHAIN);
    jgChainHttp.push((await jobgraphMs(chainSpec, redis.url, true)) / CHAIN);
    process.stderr.write(`run ${r + 1}/${REPEAT} done\n`);
  }
  rows.push(
    ['per-job cost, embedded', jgIndep, xIndep],
    ['per-job cost, over HTTP', jgIndepHttp, xIndep],
    ['per-link latency, embedded', jgChain, xChain],
    ['per-link latency, over HTTP', jgChainHttp, xChain],
  );
  const fmt = (x: number) => x.toFixed(2).padStart(7);
  console.log(`\njobgraph bench — ${CORES} cores, ${JOBS} independent jobs, ${CHAIN}-job chain, median of ${REPEAT}\n`);
  console.log('measure                      jobgraph ms   xargs ms   ratio   all jobgraph runs (ms)');
  for (const [name, jg, x] of rows) {
    console.log(
      `${name.padEnd(28)} ${fmt(median(jg))}     ${fmt(median(x))}   ${(median(jg) / median(x)).toFixed(2).padStart(5)}   ${jg.map((v) => v.toFixed(2)).join(', ')}`,
    );
  }
  console.log(`\ntargets: per-job cost ≤ 2× xargs -P${CORES}; per-link latency ≤ 15 ms`);
} finally {
  await redis.stop();
}
