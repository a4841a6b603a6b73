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
 *
 * `--peers`: the same workloads side by side with GNU parallel, Snakemake, Dask distributed
 * and Celery where installed (`scripts/setup.sh --peers`): bench/peers/side-by-side.ts.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { chainSpec, independentSpec, jobgraphMs } from './peers/jobgraph.js';
import { median } from './peers/median.js';
import { sideBySide } from './peers/side-by-side.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    chain: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '3' },
    peers: { type: 'boolean', default: false },
  },
});
const JOBS = Number(values.jobs);
const CHAIN = Number(values.chain);
const REPEAT = Number(values.repeat);
const CORES = availableParallelism();

function xargsMs(count: number, parallel: number): number {
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `seq ${count} | xargs -P${parallel} -n1 sh -c true`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('xargs baseline failed');
  return Number(process.hrtime.bigint() - start) / 1e6;
}

if (values.peers) {
  await sideBySide(JOBS, CHAIN, REPEAT, CORES);
  process.exit(0);
}

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
    jgIndep.push((await jobgraphMs(independentSpec(JOBS), redis.url, false, CORES)) / JOBS);
    jgIndepHttp.push((await jobgraphMs(independentSpec(JOBS), redis.url, true, CORES)) / JOBS);
    xChain.push(xargsMs(CHAIN, 1) / CHAIN);
    jgChain.push((await jobgraphMs(chainSpec(CHAIN), redis.url, false, CORES)) / CHAIN);
    jgChainHttp.push((await jobgraphMs(chainSpec(CHAIN), redis.url, true, CORES)) / CHAIN);
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
  console.log(
    `\ntargets (issue 13): per-job cost ≤ 2× xargs -P${CORES}; per-link latency ≤ 5 ms embedded, ≤ 8 ms over HTTP`,
  );
} finally {
  await redis.stop();
}
