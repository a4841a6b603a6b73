/**
 * Per-job resource monitoring: the workflow's `resource_monitor` settings (torc's field, plus
 * `memory_limit_factor`) and the `resource_usage` a worker reports with each attempt. Kept in
 * one nested object on the result so that it travels apart from the rest of the report.
 */
import { z } from '@hono/zod-openapi';
import { fewIssues } from './few-issues.js';

/** Most time-series samples one result keeps; a longer job's series is thinned to fit (see resource-monitor.ts). */
export const MAX_TIME_SERIES = 720;

export const MONITOR_GRANULARITIES = ['Summary', 'TimeSeries'] as const;
/** torc's spec files write `summary` and `time_series`; both spellings are accepted. */
const GRANULARITY_SPELLINGS = {
  Summary: 'Summary',
  summary: 'Summary',
  TimeSeries: 'TimeSeries',
  time_series: 'TimeSeries',
} as const;

/**
 * The spec's `resource_monitor`: unknown keys pass (torc specs may carry more), known ones are
 * checked. `memory_limit_factor`: a job whose memory exceeds its request times this is killed
 * and recorded as out of memory; `off` disables the limit.
 */
export const ResourceMonitorSettingsSchema = z.looseObject({
  enabled: z.boolean().optional(),
  granularity: z.enum(Object.keys(GRANULARITY_SPELLINGS) as Array<keyof typeof GRANULARITY_SPELLINGS>).optional(),
  sample_interval_seconds: z.number().positive().max(3600).optional(),
  generate_plots: z.boolean().optional(),
  memory_limit_factor: z.union([z.number().min(1), z.literal('off')]).optional(),
});
export type ResourceMonitorSettings = z.infer<typeof ResourceMonitorSettingsSchema>;

/** Resolved settings: what a worker does for one attempt. */
export interface MonitorSettings {
  enabled: boolean;
  granularity: (typeof MONITOR_GRANULARITIES)[number];
  sample_interval_seconds: number;
  /** Undefined: no limit. */
  memory_limit_factor: number | undefined;
}

/**
 * The defaults, in one place: Summary sampling every second (one shared /proc scan serves every
 * job of the worker, see process-tree.ts), memory limit at twice the request.
 */
export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  enabled: true,
  granularity: 'Summary',
  sample_interval_seconds: 1,
  memory_limit_factor: 2,
};

/**
 * The settings of one attempt: the workflow's, over the worker's (`worker start
 * --memory-limit-factor`), over the defaults.
 */
export function resolveMonitorSettings(
  workflow: ResourceMonitorSettings | undefined,
  worker: { memory_limit_factor?: number | 'off' } = {},
): MonitorSettings {
  const factor =
    workflow?.memory_limit_factor ?? worker.memory_limit_factor ?? DEFAULT_MONITOR_SETTINGS.memory_limit_factor;
  return {
    enabled: workflow?.enabled ?? DEFAULT_MONITOR_SETTINGS.enabled,
    granularity: workflow?.granularity
      ? GRANULARITY_SPELLINGS[workflow.granularity]
      : DEFAULT_MONITOR_SETTINGS.granularity,
    sample_interval_seconds: workflow?.sample_interval_seconds ?? DEFAULT_MONITOR_SETTINGS.sample_interval_seconds,
    memory_limit_factor: factor === 'off' ? undefined : factor,
  };
}

const nonNegative = z.number().nonnegative();

export const UsageSampleSchema = z.object({
  /** Seconds since the attempt started. */
  t_s: nonNegative,
  memory_bytes: nonNegative,
  cpu_percent: nonNegative,
  /** GPU memory of the job's processes (NVIDIA, where nvidia-smi reports it). */
  gpu_memory_bytes: nonNegative.optional(),
  /** Mean utilisation of the job's GPUs; 100 = every one busy. */
  gpu_percent: nonNegative.optional(),
});
export type UsageSample = z.infer<typeof UsageSampleSchema>;

export const ResourceUsageSchema = z
  .object({
    /** The GPUs the attempt was given (ids as in its `CUDA_VISIBLE_DEVICES`). */
    gpu_ids: z.array(z.string().max(254)).max(1024).optional(),
    /** What the job asked for (its resource class), for right-sizing. */
    requested: z.object({ num_cpus: nonNegative, memory_bytes: nonNegative, num_gpus: nonNegative }).optional(),
    /** Samples taken; 0 when the job ended before the first one or monitoring was off. */
    samples: z.number().int().nonnegative(),
    peak_memory_bytes: nonNegative.optional(),
    avg_memory_bytes: nonNegative.optional(),
    /** 100 = one core busy. */
    peak_cpu_percent: nonNegative.optional(),
    avg_cpu_percent: nonNegative.optional(),
    cpu_time_s: nonNegative.optional(),
    /** GPU samples taken (NVIDIA jobs with GPUs); the GPU figures are over these. */
    gpu_samples: z.number().int().nonnegative().optional(),
    /** Most GPU memory the job's processes held at once (nvidia-smi --query-compute-apps). */
    peak_gpu_memory_bytes: nonNegative.optional(),
    /** Mean and highest utilisation of the job's GPUs (the devices', as NVIDIA reports no share per process). */
    avg_gpu_utilization_percent: nonNegative.optional(),
    peak_gpu_utilization_percent: nonNegative.optional(),
    /** Set when the memory limit killed the job: the limit, and the memory seen when it did. */
    out_of_memory: z.object({ limit_bytes: nonNegative, peak_bytes: nonNegative }).optional(),
    /** TimeSeries granularity: the samples, at most MAX_TIME_SERIES. */
    time_series: fewIssues(z.array(UsageSampleSchema).max(MAX_TIME_SERIES), UsageSampleSchema).optional(),
  })
  .openapi('ResourceUsage');
export type ResourceUsage = z.infer<typeof ResourceUsageSchema>;
