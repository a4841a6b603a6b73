/**
 * Worker resources end to end: GPUs detected from a fake nvidia-smi are handed out by device
 * (never one to two jobs), jobs see only their own, results record them; jobs are monitored
 * from /proc, a job over its memory limit is killed as out of memory and its dependents are
 * handled as after a failure; the right-sizing report and the HTML plot read it all back
 * through the API. Real API, SQLite, scheduler, Redis, processes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { apiRequest } from '../../src/cli/api-request.js';
import { fetchJobUsage } from '../../src/cli/resource-data.js';
import { plotHtml } from '../../src/cli/resource-plot.js';
import { resourceReport } from '../../src/cli/resource-report.js';
import type { ComputeNodeDoc } from '../../src/core/model.js';
import { discoverGpus, toolRunner } from '../../src/worker/gpu-discovery.js';
import { sharedGpuUsage } from '../../src/worker/gpu-process-usage.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../../src/worker/worker.js';
import { fakeGpuTools, type FakeGpuTools } from '../support/fake-gpu-tools.js';
import { maxOverlap, openWorkerStack, testWorkerOptions, type WorkerStack } from './worker-fixture.js';

const GIB = 1024 ** 3;
const MB = 1e6;
const redisUrl = inject('redisUrl');
/** Where the test leaves the HTML report for the browser test (git-ignored). */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

let stack: WorkerStack;
let tools: FakeGpuTools;
const workers: WorkerHandle[] = [];
beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
  tools = fakeGpuTools({ nvidia: 2 });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await stack.close();
  tools.remove();
});

async function worker(workflow: string, extra: Partial<WorkerOptions> = {}): Promise<WorkerHandle> {
  const handle = await startWorker(testWorkerOptions(stack, { workflow, ...extra }));
  workers.push(handle);
  return handle;
}

describe('worker resources', { timeout: 120_000 }, () => {
  it('hands out GPUs by device: each job sees only its own, no two share one, results record them', async () => {
    const { devices, warnings } = await discoverGpus({ PATH: tools.pathWith('/usr/bin:/bin') });
    expect(warnings).toEqual([]);
    expect(devices).toHaveLength(2);
    const wf = await stack.create({
      name: 'gpus',
      resource_requirements: [{ name: 'one_gpu', num_cpus: 1, memory: '1g', num_gpus: 1, runtime: 'PT5M' }],
      jobs: [
        {
          name: 'g{i}',
          command: 'echo "$CUDA_VISIBLE_DEVICES|$JOBGRAPH_GPU_IDS"; sleep 1',
          resource_requirements: 'one_gpu',
          parameters: { i: '1:5' },
        },
        { name: 'cpu_only', command: 'echo "[$CUDA_VISIBLE_DEVICES]"' },
      ],
    });
    const handle = await worker(wf, { num_gpus: 2, gpus: devices });
    await stack.start(wf);
    expect(await handle.done).toBe(0);

    const jobs = [...(await stack.jobs(wf)).values()];
    const results = await stack.results(wf);
    const runs: Array<{ gpu: string; interval: [number, number] }> = [];
    for (const j of jobs) {
      const r = results.get(j._key)!;
      expect(r.status).toBe('completed');
      const seen = (await readFile(r.stdout_path!, 'utf8')).trim();
      if (j.name === 'cpu_only') {
        expect(seen).toBe('[]'); // a job that asked for no GPU sees none
        expect(r.resource_usage?.gpu_ids).toBeUndefined();
        continue;
      }
      expect(r.resource_usage!.gpu_ids).toHaveLength(1);
      const gpu = r.resource_usage!.gpu_ids![0]!;
      expect(['0', '1']).toContain(gpu);
      expect(seen).toBe(`${gpu}|${gpu}`);
      runs.push({ gpu, interval: [Date.parse(j.started_at as string), Date.parse(r.completion_time)] });
    }
    expect(runs).toHaveLength(5);
    // Jobs on the same GPU never ran at the same time; both GPUs were used side by side.
    for (const gpu of ['0', '1']) expect(maxOverlap(runs.filter((r) => r.gpu === gpu).map((r) => r.interval))).toBe(1);
    expect(maxOverlap(runs.map((r) => r.interval))).toBe(2);
    // The compute node records the models.
    const nodes = (await stack.store.listDocuments(wf, 'compute_nodes', { offset: 0, limit: 10 }))
      .items as ComputeNodeDoc[];
    expect(nodes[0]!.gpus!.map((g) => [g.id, g.name])).toEqual([
      ['0', 'NVIDIA H100 80GB HBM3'],
      ['1', 'NVIDIA H100 80GB HBM3'],
    ]);
  });

  it("records each GPU job's own GPU memory and its devices' utilisation, read from nvidia-smi", async () => {
    const gpuTools = fakeGpuTools({ nvidia: 2, utilization: [25, 75] });
    try {
      const env = { PATH: gpuTools.pathWith('/usr/bin:/bin') };
      const { devices } = await discoverGpus(env);
      const wf = await stack.create({
        name: 'gpu-usage',
        resource_monitor: { sample_interval_seconds: 0.2 },
        resource_requirements: [{ name: 'one_gpu', num_cpus: 1, memory: '1g', num_gpus: 1, runtime: 'PT5M' }],
        jobs: [
          // Both run at once, one GPU each: each is credited with its own process only.
          { name: 'small', command: 'FAKE_GPU_MIB=300 sleep 2', resource_requirements: 'one_gpu' },
          { name: 'large', command: 'FAKE_GPU_MIB=700 sleep 2', resource_requirements: 'one_gpu' },
          { name: 'cpu_only', command: 'sleep 1' },
        ],
      });
      const handle = await worker(wf, { num_gpus: 2, gpus: devices, gpuUsage: sharedGpuUsage(toolRunner(env)) });
      await stack.start(wf);
      expect(await handle.done).toBe(0);
      const jobs = await stack.jobs(wf);
      const results = await stack.results(wf);
      const usageOf = (name: string) => results.get(jobs.get(name)!._key)!.resource_usage!;
      const utilization: Record<string, number> = { '0': 25, '1': 75 };
      for (const [name, mib] of [
        ['small', 300],
        ['large', 700],
      ] as const) {
        const usage = usageOf(name);
        expect(usage.gpu_samples).toBeGreaterThan(2);
        expect(usage.peak_gpu_memory_bytes).toBe(mib * 1024 ** 2);
        expect(usage.avg_gpu_utilization_percent).toBe(utilization[usage.gpu_ids![0]!]);
      }
      // No GPU, no nvidia-smi call: the GPU figures are absent, not 0.
      expect(usageOf('cpu_only').gpu_samples).toBeUndefined();
      expect(usageOf('cpu_only').peak_gpu_memory_bytes).toBeUndefined();
    } finally {
      gpuTools.remove();
    }
  });

  it('kills a job over its memory limit as out of memory; its dependents are handled as after a failure', async () => {
    const wf = await stack.create({
      name: 'limits',
      resource_monitor: { granularity: 'TimeSeries', sample_interval_seconds: 0.2 },
      resource_requirements: [
        { name: 'small', num_cpus: 1, memory: '50m', runtime: 'PT5M' },
        { name: 'roomy', num_cpus: 1, memory: '2g', runtime: 'PT5M' },
      ],
      jobs: [
        // 200 MB against a 50 MiB request: over the default limit of 2 × 50 MiB.
        {
          name: 'hog',
          command: `python3 -c "b = b'x' * (200 * 1000 * 1000); import time; time.sleep(60)"`,
          resource_requirements: 'small',
        },
        { name: 'after_hog', command: 'echo never', depends_on: ['hog'], cancel_on_blocking_job_failure: true },
        {
          name: 'fits',
          command: `python3 -c "b = b'x' * (200 * 1000 * 1000); import time; time.sleep(1.5)"`,
          resource_requirements: 'roomy',
        },
      ],
    });
    const started = Date.now();
    const handle = await worker(wf);
    await stack.start(wf);
    expect(await handle.done).toBe(0);
    // Killed at the limit, not after its 60 s sleep.
    expect(Date.now() - started).toBeLessThan(45_000);

    const jobs = await stack.jobs(wf);
    const results = await stack.results(wf);
    const hog = results.get(jobs.get('hog')!._key)!;
    expect(jobs.get('hog')!.status).toBe('failed');
    expect(hog).toMatchObject({ status: 'failed', return_code: 137 });
    expect(hog.message).toMatch(/^out of memory: used .* over its limit of 100m; killed$/);
    expect(hog.resource_usage!.out_of_memory!.limit_bytes).toBe(100 * 1024 ** 2);
    expect(hog.resource_usage!.out_of_memory!.peak_bytes).toBeGreaterThan(100 * 1024 ** 2);
    expect(jobs.get('after_hog')!.status).toBe('canceled');

    const fits = results.get(jobs.get('fits')!._key)!;
    expect(fits.status).toBe('completed');
    const usage = fits.resource_usage!;
    expect(usage.peak_memory_bytes! / MB).toBeGreaterThan(200);
    expect(usage.peak_memory_bytes! / MB).toBeLessThan(220);
    expect(usage.requested).toEqual({ num_cpus: 1, memory_bytes: 2 * GIB, num_gpus: 0 });
    expect(usage.time_series!.length).toBeGreaterThan(3);

    // The right-sizing report and the plot read it back through the API.
    const call = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(stack.api.url, method, path, body);
    const used = await fetchJobUsage(call, wf);
    const report = resourceReport(used);
    const byName = new Map(report.jobs.map((r) => [r.name, r]));
    expect(byName.get('hog')!.out_of_memory).toBe(true);
    expect(byName.get('hog')!.suggestions[0]).toMatch(/^raise memory to /);
    expect(byName.get('fits')!.suggestions).toEqual([expect.stringMatching(/^lower memory to 2[0-9]{2}m$/)]);
    expect(report.requirements.map((r) => r.name)).toEqual(['roomy', 'small']);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'resources-plot.html'), plotHtml(wf, used));
  });
});
