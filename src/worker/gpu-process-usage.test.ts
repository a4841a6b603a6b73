import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeGpuTools, type FakeGpuTools } from '../../test/support/fake-gpu-tools.js';
import { DEFAULT_MONITOR_SETTINGS } from '../core/schemas/resource-usage.js';
import { toolRunner } from './gpu-discovery.js';
import {
  jobGpuUsage,
  parseComputeApps,
  parseGpuUtilization,
  readGpuUsage,
  sharedGpuUsage,
} from './gpu-process-usage.js';
import { monitorProcessTree } from './resource-monitor.js';

const MIB = 1024 ** 2;

describe('nvidia-smi readings', () => {
  it('adds up a process that holds memory on two devices, and skips what the driver does not report', () => {
    const apps = parseComputeApps('4242, 300\n4243, [N/A]\n4242, 100\n\n');
    expect([...apps]).toEqual([[4242, 400 * MIB]]);
  });

  it('keys utilisation by index and UUID, leaving unsupported devices out', () => {
    const util = parseGpuUtilization('0, GPU-aaaa, 40\n1, GPU-bbbb, [Not Supported]\n');
    expect([...util]).toEqual([
      ['0', 40],
      ['GPU-aaaa', 40],
    ]);
  });

  it("credits a job with its own processes' memory and its own devices' utilisation", () => {
    const snapshot = {
      processes: new Map([
        [10, 300 * MIB],
        [11, 200 * MIB],
        [99, 5000 * MIB], // another job's
      ]),
      utilization: new Map([
        ['0', 20],
        ['GPU-0000', 20],
        ['1', 60],
        ['GPU-1111', 60],
      ]),
    };
    expect(jobGpuUsage(snapshot, [10, 11, 12], ['0', '1'])).toEqual({
      memory_bytes: 500 * MIB,
      utilization_percent: 40,
    });
    // A UUID abbreviated as CUDA allows; a job with no GPU process on them uses 0 bytes.
    expect(jobGpuUsage(snapshot, [12], ['GPU-11'])).toEqual({ memory_bytes: 0, utilization_percent: 60 });
    // Unknown stays unknown rather than 0.
    expect(jobGpuUsage({}, [10], ['0'])).toEqual({});
  });
});

describe('GPU sampling with the fake nvidia-smi', () => {
  let tools: FakeGpuTools | undefined;
  const started: ChildProcess[] = [];
  afterEach(() => {
    // Whole process groups: a background child outlives its shell.
    for (const c of started.splice(0))
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    tools?.remove();
  });

  it('a tool that fails leaves both figures unknown', async () => {
    tools = fakeGpuTools({ broken: true });
    expect(await readGpuUsage(toolRunner({ PATH: tools.pathWith('/usr/bin:/bin') }))).toEqual({});
  });

  it("a job's peak GPU memory and its devices' average utilisation come with its /proc figures", async () => {
    tools = fakeGpuTools({ nvidia: 2, utilization: [30, 90] });
    const source = sharedGpuUsage(toolRunner({ PATH: tools.pathWith('/usr/bin:/bin') }));
    // A GPU process of someone else's: not the job's.
    started.push(spawn('/bin/sh', ['-c', 'FAKE_GPU_MIB=1000 sleep 30'], { detached: true, stdio: 'ignore' }));
    // Two GPU processes in the tree (300 + 200 MiB), started one after the other.
    const child = spawn('/bin/sh', ['-c', 'FAKE_GPU_MIB=300 sleep 30 & sleep 1; FAKE_GPU_MIB=200 sleep 2'], {
      detached: true,
      stdio: 'ignore',
    });
    started.push(child);
    const ended = new Promise<void>((r) => child.once('exit', () => r()));
    const monitor = monitorProcessTree({
      root: child.pid!,
      settings: { ...DEFAULT_MONITOR_SETTINGS, granularity: 'TimeSeries', sample_interval_seconds: 0.2 },
      gpu: { source, ids: ['1'] },
    });
    await ended;
    const usage = await monitor.stop();
    expect(usage.gpu_samples).toBeGreaterThan(2);
    expect(usage.peak_gpu_memory_bytes).toBe(500 * MIB);
    expect(usage.avg_gpu_utilization_percent).toBe(90);
    expect(usage.peak_gpu_utilization_percent).toBe(90);
    const series = usage.time_series!;
    expect(series.every((s) => s.gpu_percent === 90)).toBe(true);
    expect(Math.max(...series.map((s) => s.gpu_memory_bytes ?? 0))).toBe(500 * MIB);
  });
});
