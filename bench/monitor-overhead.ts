/**
 * `npx tsx bench/monitor-overhead.ts`: what per-job resource monitoring costs the worker.
 *
 * - scan: one /proc walk and tree lookup (what each sampling tick does, shared by every job
 *   of the worker), wall and CPU time, averaged.
 * - per job: N `true` jobs started and awaited one after another through the worker's own
 *   startAttempt, with and without the monitor (default settings: Summary, 1 s, limit 2x);
 *   figure: median wall time per job and worker CPU time per job.
 * - sustained: a job of D seconds sampled every second: worker CPU per sample.
 * Figures, not assertions: the machine's load shows in them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../src/core/logger.js';
import { DEFAULT_MONITOR_SETTINGS } from '../src/core/schemas/resource-usage.js';
import { watchAttempt } from '../src/worker/attempt-monitoring.js';
import { startAttempt, type AttemptSpec } from '../src/worker/job-runner.js';
import { readProcessTable, sharedProcessTable, treeOf } from '../src/worker/process-tree.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '200' },
    scans: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
  },
});
const JOBS = Number(values.jobs);
const SCANS = Number(values.scans);
const SECONDS = Number(values.seconds);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-monitor-bench-'));
const spec = (job: string, command: string): AttemptSpec => ({
  workflow: 'bench',
  job,
  jobName: job,
  attempt: 1,
  command,
  cwd: dir,
  logDir: dir,
  apiUrl: 'http://127.0.0.1:1',
});
const requested = { num_cpus: 1, memory_bytes: 1024 ** 3, num_gpus: 0 };

async function scanCost(): Promise<{ wallMs: number; cpuMs: number; processes: number }> {
  let processes = 0;
  const t = performance.now();
  const c = cpuMs();
  for (let i = 0; i < SCANS; i++) {
    const table = await readProcessTable();
    processes = table.length;
    treeOf(process.pid, table);
  }
  return { wallMs: (performance.now() - t) / SCANS, cpuMs: (cpuMs() - c) / SCANS, processes };
}

async function perJob(monitored: boolean): Promise<{ wallMs: number; cpuMs: number }> {
  const walls: number[] = [];
  const processTable = sharedProcessTable();
  const c = cpuMs();
  for (let i = 0; i < JOBS; i++) {
    const t = performance.now();
    const run = await startAttempt(spec(`j${i}`, 'true'));
    const watched = monitored
      ? watchAttempt({
          run,
          settings: DEFAULT_MONITOR_SETTINGS,
          requested,
          gpuIds: [],
          log: silentLogger,
          processTable,
        })
      : undefined;
    const outcome = await run.done;
    await watched?.finish(outcome);
    walls.push(performance.now() - t);
  }
  return { wallMs: median(walls), cpuMs: (cpuMs() - c) / JOBS };
}

async function sustained(): Promise<{ cpuMsPerSample: number; samples: number }> {
  const run = await startAttempt(spec('long', `sleep ${SECONDS}`));
  const c = cpuMs();
  const watched = watchAttempt({ run, settings: DEFAULT_MONITOR_SETTINGS, requested, gpuIds: [], log: silentLogger });
  const usage = await watched.finish(await run.done);
  return { cpuMsPerSample: (cpuMs() - c) / Math.max(1, usage.samples), samples: usage.samples };
}

try {
  const scan = await scanCost();
  console.log(
    `scan: ${scan.wallMs.toFixed(2)} ms wall, ${scan.cpuMs.toFixed(2)} ms CPU per /proc walk (${scan.processes} processes)`,
  );
  // Alternate, so that a change in the machine's load hits both alike.
  const off1 = await perJob(false);
  const on1 = await perJob(true);
  const off2 = await perJob(false);
  const on2 = await perJob(true);
  const off = { wallMs: (off1.wallMs + off2.wallMs) / 2, cpuMs: (off1.cpuMs + off2.cpuMs) / 2 };
  const on = { wallMs: (on1.wallMs + on2.wallMs) / 2, cpuMs: (on1.cpuMs + on2.cpuMs) / 2 };
  console.log(`per job (${JOBS} × true, median wall, worker CPU per job):`);
  console.log(`  unmonitored: ${off.wallMs.toFixed(2)} ms wall, ${off.cpuMs.toFixed(2)} ms CPU`);
  console.log(`  monitored:   ${on.wallMs.toFixed(2)} ms wall, ${on.cpuMs.toFixed(2)} ms CPU`);
  console.log(
    `  overhead:    ${(on.wallMs - off.wallMs).toFixed(2)} ms wall, ${(on.cpuMs - off.cpuMs).toFixed(2)} ms CPU per job`,
  );
  const s = await sustained();
  console.log(
    `sustained: ${s.samples} samples of a ${SECONDS} s job, ${s.cpuMsPerSample.toFixed(2)} ms worker CPU per sample`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
