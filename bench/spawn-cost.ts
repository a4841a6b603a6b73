/**
 * `npx tsx bench/spawn-cost.ts [--jobs N]`: what starting a tiny job costs through each of the
 * worker's launchers (src/worker/process-launcher.ts), issue 13's direction 5. N `sh -c true`
 * processes one after another (the latency a dependency chain pays per link) and N with two
 * at a time (the throughput of a 2-slot worker), each through:
 *
 * - `spawn` from this process as it is (a small Node process, tens of MB);
 * - `spawn` from this process after it has grown a ~300 MB heap, as an embedded `jobgraph run`
 *   (API + scheduler + worker in one process) does: fork's cost grows with the parent's memory;
 * - the spawn helpers (src/worker/spawn-helper.ts: a small child that launches on request,
 *   JSON lines over pipes): Python's `posix_spawn`, the worker's default, and Node's `spawn`.
 *
 * Each figure includes opening the two log files and waiting for the exit, as a job does. The
 * baseline is `xargs -P<k> sh -c true` in the same run. Prints ms per job; not a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { directLauncher, type ProcessLauncher } from '../src/worker/process-launcher.js';
import { startSpawnHelper } from '../src/worker/spawn-helper.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '500' } } });
const JOBS = Number(values.jobs);
const dir = mkdtempSync(join(tmpdir(), 'jobgraph-spawn-'));

async function perJobMs(launcher: ProcessLauncher, parallel: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < JOBS; i = next++) {
        const p = await launcher.launch({
          file: '/bin/sh',
          args: ['-c', 'true'],
          cwd: dir,
          env: {},
          stdoutPath: join(dir, `${i}.out`),
          stderrPath: join(dir, `${i}.err`),
        });
        await p.exited;
      }
    }),
  );
  return (performance.now() - started) / JOBS;
}

function xargsMs(parallel: number): number {
  const started = performance.now();
  spawnSync('sh', ['-c', `seq ${JOBS} | xargs -P${parallel} -n1 sh -c true`], { stdio: 'inherit' });
  return (performance.now() - started) / JOBS;
}

const rows: Array<[string, number, number]> = [];
const measure = async (what: string, launcher: ProcessLauncher) => {
  await perJobMs(launcher, 1); // warm-up
  rows.push([what, await perJobMs(launcher, 1), await perJobMs(launcher, 2)]);
};

rows.push(['xargs (baseline)', xargsMs(1), xargsMs(2)]);
await measure('spawn from this process (small)', directLauncher);
const helpers = [await startSpawnHelper({ prefer: 'python' }), await startSpawnHelper({ prefer: 'node' })];
for (const helper of helpers) await measure(`${helper.kind} spawn helper (small parent)`, helper);
// ~300 MB of live heap, as the embedded process holds once its modules, caches and a large workflow are loaded.
const ballast = Array.from({ length: 3_000_000 }, (_, i) => ({ i, s: `job-${i}` }));
const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
await measure(`spawn from this process (${rss} MB RSS)`, directLauncher);
for (const helper of helpers) await measure(`${helper.kind} spawn helper (${rss} MB RSS parent)`, helper);
for (const helper of helpers) await helper.close();
rmSync(dir, { recursive: true, force: true });

console.log(`${JOBS} × sh -c true, ms per job\n`);
console.log('| launcher | one at a time | two at a time |\n| --- | --- | --- |');
for (const [what, one, two] of rows) console.log(`| ${what} | ${one.toFixed(2)} | ${two.toFixed(2)} |`);
if (ballast.length === 0) console.log(); // keeps the ballast alive until here
