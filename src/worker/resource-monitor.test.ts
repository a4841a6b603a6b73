import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MONITOR_SETTINGS, MAX_TIME_SERIES, type MonitorSettings } from '../core/schemas/resource-usage.js';
import { parseStat, readProcessTable, treeOf } from './process-tree.js';
import { FIRST_SAMPLE_MS, monitorProcessTree } from './resource-monitor.js';

const MB = 1e6;
const settings = (over: Partial<MonitorSettings> = {}): MonitorSettings => ({
  ...DEFAULT_MONITOR_SETTINGS,
  sample_interval_seconds: 0.2,
  ...over,
});

/** Runs `script` under `sh -c` in its own process group, as a job runs. */
function job(script: string): ChildProcess & { ended: Promise<void> } {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  return Object.assign(child, { ended: new Promise<void>((r) => child.once('exit', () => r())) });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('process tree sampling', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const c of started.splice(0))
      if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  });

  it('parses /proc stat lines whose command holds spaces and parentheses', () => {
    const line = '42 (a (b) c) S 7 42 42 0 -1 4194304 1 0 0 0 150 50 10 0 20 0 1 0 100 1000 25 0';
    expect(parseStat(line)).toMatchObject({ pid: 42, ppid: 7, pgrp: 42, state: 'S', cpu_s: 2.1 });
    expect(treeOf(1, [])).toEqual({ pids: [], rss_bytes: 0, cpu_s: 0 });
  });

  it('measures the peak memory of a ~200 MB job, in a grandchild, within 10 %', async () => {
    // The allocation happens in a child of the shell's child: the whole tree is sampled.
    const j = job(`python3 -c "b = b'x' * (200 * 1000 * 1000); import time; time.sleep(1.5)" & wait`);
    started.push(j);
    const monitor = monitorProcessTree({ root: j.pid!, settings: settings() });
    await j.ended;
    const usage = await monitor.stop();
    expect(usage.samples).toBeGreaterThan(2);
    expect(usage.peak_memory_bytes! / MB).toBeGreaterThan(200);
    expect(usage.peak_memory_bytes! / MB).toBeLessThan(220);
    expect(usage.avg_memory_bytes!).toBeLessThanOrEqual(usage.peak_memory_bytes!);
  });

  it('shows a CPU-bound job at the share of a core it really got', async () => {
    // The job burns 1.5 s of CPU, says how long that took, and idles 0.8 s so that a sample
    // sees its final CPU time. On an idle machine the busy phase is ~100 % of one core; on
    // this shared 2-core machine (load 7-15 while the other sessions test) it is less, so the
    // monitor is checked against the job's own figures.
    const dir = mkdtempSync(join(tmpdir(), 'jobgraph-cpu-'));
    const out = join(dir, 'busy');
    const spawned = performance.now();
    const j = job(`python3 -c "import time
w = time.time()
while time.process_time() < 1.5: pass
open('${out}', 'w').write(str(time.time() - w))
time.sleep(0.8)"`);
    started.push(j);
    const monitor = monitorProcessTree({ root: j.pid!, settings: settings({ granularity: 'TimeSeries' }) });
    await j.ended;
    const total_s = (performance.now() - spawned) / 1000;
    const usage = await monitor.stop();
    const busy_s = Number(readFileSync(out, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(usage.cpu_time_s!).toBeGreaterThan(1.35);
    expect(usage.cpu_time_s!).toBeLessThan(1.65);
    // Over the sampled span (within the job's whole life: start-up, busy phase, idle end), the
    // average is the CPU time over that span: between ~1.5 s over the job's life and ~1.5 s
    // over the busy phase alone.
    expect(usage.avg_cpu_percent!).toBeGreaterThan((1.35 / total_s) * 100);
    expect(usage.avg_cpu_percent!).toBeLessThan((1.65 / busy_s) * 100 + 5);
    // The busiest sample is a whole core at most (with sampling jitter).
    expect(usage.peak_cpu_percent!).toBeGreaterThanOrEqual(usage.avg_cpu_percent!);
    expect(usage.peak_cpu_percent!).toBeLessThan(140);
    expect(usage.time_series!.length).toBe(usage.samples);
    expect(usage.time_series![0]!.t_s).toBeLessThan(0.5);
  });

  it('calls onLimit once when the tree passes its memory limit', async () => {
    const j = job(`python3 -c "b = b'x' * (150 * 1000 * 1000); import time; time.sleep(30)"`);
    started.push(j);
    let hits = 0;
    const monitor = monitorProcessTree({
      root: j.pid!,
      settings: settings(),
      limitBytes: 100 * MB,
      onLimit: (u) => {
        hits++;
        expect(u.pids).toContain(j.pid);
        process.kill(-j.pid!, 'SIGKILL');
      },
    });
    await j.ended;
    const usage = await monitor.stop();
    expect(hits).toBe(1);
    expect(usage.out_of_memory!.limit_bytes).toBe(100 * MB);
    expect(usage.out_of_memory!.peak_bytes).toBeGreaterThan(100 * MB);
  });

  it('walks /proc for a job only once it has run FIRST_SAMPLE_MS: a job that ends sooner costs no walk', async () => {
    let walks = 0;
    const processTable = async () => {
      walks++;
      return [];
    };
    // Stopped at once, as a job that ends within the delay is.
    const monitor = monitorProcessTree({ root: process.pid, settings: settings(), processTable });
    expect(await monitor.stop()).toMatchObject({ samples: 0 });
    expect(walks).toBe(0);

    const longer = job('sleep 1');
    started.push(longer);
    const began = performance.now();
    let firstWalk: number | undefined;
    const counted = async () => {
      firstWalk ??= performance.now() - began;
      return readProcessTable();
    };
    const watched = monitorProcessTree({ root: longer.pid!, settings: settings(), processTable: counted });
    await waitFor(() => firstWalk !== undefined, 5000);
    expect(firstWalk).toBeGreaterThanOrEqual(FIRST_SAMPLE_MS - 1);
    await waitFor(() => watched.lastPids.length > 0, 5000);
    expect((await watched.stop()).samples).toBeGreaterThan(0);
  });

  it('thins a long time series to its bound', async () => {
    const rows = [{ pid: 9, ppid: 1, pgrp: 9, state: 'S', cpu_s: 0, rss_bytes: 1 }];
    let calls = 0;
    const monitor = monitorProcessTree({
      root: 9,
      settings: settings({ granularity: 'TimeSeries', sample_interval_seconds: 0.001 }),
      processTable: () => {
        calls++;
        return Promise.resolve(rows);
      },
    });
    await waitFor(() => calls > MAX_TIME_SERIES * 2 + 10, 20_000);
    const usage = await monitor.stop();
    expect(usage.time_series!.length).toBeLessThanOrEqual(MAX_TIME_SERIES);
    expect(usage.time_series!.length).toBeGreaterThan(MAX_TIME_SERIES / 4);
  });
});
