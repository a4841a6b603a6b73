/**
 * `npm run bench:cpu -- [--jobs 1000] [--links 300] [--runs 3]`: the CPU a tiny job costs, per
 * process, embedded as `jobgraph run` runs it (bench/peers/jobgraph.ts): the bench's own process
 * (API, scheduler and worker: every thread, by `process.cpuUsage()`) and the private
 * redis-server (from /proc, in 10 ms ticks), for N independent `true` jobs and an N-link chain,
 * beside the wall time per job. CPU varies less than wall time on a loaded machine, so a
 * before/after comparison of two checkouts, taking turns, shows smaller differences; not a test.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { median } from './peers/median.js';
import { chainSpec, independentSpec, jobgraphMs } from './peers/jobgraph.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    links: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
  },
});
const cores = availableParallelism();

/** CPU time of process `pid` so far (user + system), in ms; Linux only. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

const redis = await startPrivateRedis();
try {
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['independent jobs', independentSpec(Number(values.jobs)), Number(values.jobs)],
    ['chain links', chainSpec(Number(values.links)), Number(values.links)],
  ];
  // A warm-up run: the first one pays for compiling the hot paths.
  await jobgraphMs(chainSpec(20), redis.url, false, cores);
  console.log(`jobgraph embedded, ${cores} cores, median of ${values.runs} runs, per job:\n`);
  console.log('| case | wall ms | this process CPU ms | redis-server CPU ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, spec, count] of cases) {
    const wall: number[] = [];
    const own: number[] = [];
    const server: number[] = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const before = process.cpuUsage();
      const redisBefore = cpuMsOf(redis.pid);
      wall.push((await jobgraphMs(spec, redis.url, false, cores)) / count);
      const used = process.cpuUsage(before);
      own.push((used.user + used.system) / 1000 / count);
      server.push((cpuMsOf(redis.pid) - redisBefore) / count);
    }
    const f = (xs: number[]) => median(xs).toFixed(2);
    console.log(`| ${count} ${name} | ${f(wall)} | ${f(own)} | ${f(server)} |`);
  }
} finally {
  await redis.stop();
}
