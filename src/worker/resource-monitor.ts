/**
 * Watches one attempt's process tree while it runs: samples it every
 * `sample_interval_seconds`, keeps the summary (peak and average memory, peak and average CPU,
 * CPU time) and, with TimeSeries granularity, the samples — thinned by half whenever they
 * would pass MAX_TIME_SERIES, so a long job keeps its whole course at a coarser step. With a
 * memory limit, the first sample above it calls `onLimit` once (the caller kills the tree).
 *
 * Sampling is /proc polling (process-tree.ts): a spike shorter than the interval can pass
 * unseen, by the limit too (decision 0014). A job given NVIDIA GPUs is also sampled through
 * nvidia-smi at the same moments (gpu-process-usage.ts): its processes' GPU memory and its
 * devices' utilisation.
 */
import { performance } from 'node:perf_hooks';
import {
  MAX_TIME_SERIES,
  type MonitorSettings,
  type ResourceUsage,
  type UsageSample,
} from '../core/schemas/resource-usage.js';
import { jobGpuUsage, type GpuSnapshot, type GpuUsageSource } from './gpu-process-usage.js';
import { readProcessTable, treeOf, type ProcessTableSource, type TreeUsage } from './process-tree.js';

/** Options of {@link monitorProcessTree}. */
export interface MonitorOptions {
  /** The job's shell. */
  root: number;
  settings: MonitorSettings;
  /** Memory above which the job is out of memory; undefined: no limit. */
  limitBytes?: number;
  /** Called once, with the sample that passed the limit. */
  onLimit?: (usage: TreeUsage) => void;
  /** @default readProcessTable */
  processTable?: ProcessTableSource;
  /** Sample GPU use too: where from, and the devices the job was given. */
  gpu?: { source: GpuUsageSource; ids: readonly string[] };
}

/** A running monitor. */
export interface ProcessTreeMonitor {
  /** The processes of the last sample (to kill stragglers that left the job's process group). */
  readonly lastPids: readonly number[];
  /** Stop sampling; resolves with what was measured. */
  stop(): Promise<Omit<ResourceUsage, 'gpu_ids' | 'requested'>>;
}

/**
 * When the first sample of an attempt is taken, at the latest (its interval, when shorter).
 * A sample walks all of /proc (~2 ms of CPU): taken at once, it cost every tiny job a walk of
 * its own — a sixth of the worker's CPU per `true` job (bench/monitor-overhead.ts) — to measure
 * a process that ends within milliseconds. After this delay, attempts started close together
 * share one walk (sharedProcessTable), and a job shorter than it has no samples.
 */
export const FIRST_SAMPLE_MS = 50;

/** Start watching `root`'s tree; the first sample is taken after FIRST_SAMPLE_MS. */
export function monitorProcessTree(options: MonitorOptions): ProcessTreeMonitor {
  const { settings } = options;
  const table = options.processTable ?? readProcessTable;
  const intervalMs = settings.sample_interval_seconds * 1000;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  let lastPids: number[] = [];
  let samples = 0;
  let peakMemory = 0;
  let memorySum = 0;
  let peakCpu = 0;
  let cpuTotal = 0;
  let first: number | undefined;
  let prev: { t: number; cpu: number } | undefined;
  let series: UsageSample[] | undefined = settings.granularity === 'TimeSeries' ? [] : undefined;
  let keepEvery = 1; // of the samples, after thinning
  let outOfMemory: ResourceUsage['out_of_memory'];
  const gpu = { samples: 0, peakMemory: 0, memorySamples: 0, utilSum: 0, utilSamples: 0, peakUtil: 0 };

  const record = (usage: TreeUsage, t: number, gpuSnapshot: GpuSnapshot | undefined) => {
    if (usage.pids.length === 0) {
      // Gone once seen: the job has ended. Not seen yet: the shell may not be in /proc yet.
      if (samples > 0) stopped = true;
      return;
    }
    lastPids = usage.pids;
    samples++;
    first ??= t;
    peakMemory = Math.max(peakMemory, usage.rss_bytes);
    memorySum += usage.rss_bytes;
    let cpuPercent = 0;
    if (prev && t > prev.t) {
      // A process that ended unreaped by the tree takes its time with it: the total never goes back.
      const spent = Math.max(0, usage.cpu_s - prev.cpu);
      cpuTotal += spent;
      cpuPercent = (spent / ((t - prev.t) / 1000)) * 100;
      peakCpu = Math.max(peakCpu, cpuPercent);
    }
    prev = { t, cpu: usage.cpu_s };
    const onGpu = gpuSnapshot && options.gpu ? jobGpuUsage(gpuSnapshot, usage.pids, options.gpu.ids) : {};
    if (onGpu.memory_bytes !== undefined || onGpu.utilization_percent !== undefined) gpu.samples++;
    if (onGpu.memory_bytes !== undefined) {
      gpu.memorySamples++;
      gpu.peakMemory = Math.max(gpu.peakMemory, onGpu.memory_bytes);
    }
    if (onGpu.utilization_percent !== undefined) {
      gpu.utilSamples++;
      gpu.utilSum += onGpu.utilization_percent;
      gpu.peakUtil = Math.max(gpu.peakUtil, onGpu.utilization_percent);
    }
    if (series && (samples - 1) % keepEvery === 0) {
      series.push({
        t_s: round((t - started) / 1000),
        memory_bytes: usage.rss_bytes,
        cpu_percent: round(cpuPercent),
        ...(onGpu.memory_bytes !== undefined && { gpu_memory_bytes: onGpu.memory_bytes }),
        ...(onGpu.utilization_percent !== undefined && { gpu_percent: round(onGpu.utilization_percent) }),
      });
      if (series.length > MAX_TIME_SERIES) {
        series = series.filter((_, i) => i % 2 === 0);
        keepEvery *= 2;
      }
    }
    if (options.limitBytes !== undefined && outOfMemory === undefined && usage.rss_bytes > options.limitBytes) {
      outOfMemory = { limit_bytes: options.limitBytes, peak_bytes: usage.rss_bytes };
      options.onLimit?.(usage);
    }
  };

  const tick = () => {
    // Both readings at once, so a sample's GPU figures belong to the processes it found.
    inFlight = Promise.all([table(started), options.gpu?.source(started).catch(() => undefined)])
      .then(([t, g]) => record(treeOf(options.root, t), performance.now(), g))
      .catch(() => undefined) // an unreadable /proc leaves the figures as they are
      .finally(() => {
        inFlight = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, Math.min(FIRST_SAMPLE_MS, intervalMs)).unref();

  return {
    get lastPids() {
      return lastPids;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      const span = prev && first !== undefined ? (prev.t - first) / 1000 : 0;
      return {
        samples,
        ...(samples > 0 && {
          peak_memory_bytes: peakMemory,
          avg_memory_bytes: Math.round(memorySum / samples),
          peak_cpu_percent: round(peakCpu),
          avg_cpu_percent: span > 0 ? round((cpuTotal / span) * 100) : 0,
          cpu_time_s: round(cpuTotal),
        }),
        ...(gpu.samples > 0 && {
          gpu_samples: gpu.samples,
          ...(gpu.memorySamples > 0 && { peak_gpu_memory_bytes: gpu.peakMemory }),
          ...(gpu.utilSamples > 0 && {
            avg_gpu_utilization_percent: round(gpu.utilSum / gpu.utilSamples),
            peak_gpu_utilization_percent: round(gpu.peakUtil),
          }),
        }),
        ...(outOfMemory && { out_of_memory: outOfMemory }),
        ...(series && { time_series: series }),
      };
    },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
