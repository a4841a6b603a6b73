/**
 * Resource monitoring and the memory limit of one running attempt: starts the process-tree
 * monitor, kills the tree when it passes `factor × requested memory`, and turns the
 * measurements into the result's `resource_usage` — the GPUs the attempt had and what it asked
 * for included, so the right-sizing report needs nothing else.
 *
 * An attempt killed by the limit is reported `failed`, return code 137, as out of memory with
 * the peak seen: its dependents are handled as after any failure, and a failure handler may
 * match the return code.
 */
import type { Logger } from '../core/logger.js';
import type { MonitorSettings, ResourceUsage } from '../core/schemas/resource-usage.js';
import { formatMemory } from '../core/units.js';
import type { AttemptOutcome, RunningAttempt } from './job-runner.js';
import type { GpuUsageSource } from './gpu-process-usage.js';
import type { ProcessTableSource } from './process-tree.js';
import { monitorProcessTree, type ProcessTreeMonitor } from './resource-monitor.js';

/** What the attempt asked for. */
export interface Requested {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
}

/** Options of {@link watchAttempt}. */
export interface WatchOptions {
  run: RunningAttempt;
  settings: MonitorSettings;
  requested: Requested;
  gpuIds: readonly string[];
  log: Logger;
  /** Shared /proc scans (process-tree.ts `sharedProcessTable`). */
  processTable?: ProcessTableSource;
  /** nvidia-smi readings (gpu-process-usage.ts `sharedGpuUsage`); only for NVIDIA workers. */
  gpuUsage?: GpuUsageSource;
}

/** A watched attempt. */
export interface WatchedAttempt {
  /** Stop watching `outcome`'s attempt; marks it out of memory when the limit killed it. */
  finish(outcome: AttemptOutcome): Promise<ResourceUsage>;
}

/** The result message of an attempt the memory limit killed. */
export function outOfMemoryMessage(oom: NonNullable<ResourceUsage['out_of_memory']>): string {
  return `out of memory: used ${formatMemory(oom.peak_bytes)}, over its limit of ${formatMemory(oom.limit_bytes)}; killed`;
}

/** Watch `run` as `settings` say (a disabled monitor still enforces no limit and records the GPUs). */
export function watchAttempt(options: WatchOptions): WatchedAttempt {
  const { run, settings, requested, log } = options;
  const base: Pick<ResourceUsage, 'gpu_ids' | 'requested'> = {
    ...(options.gpuIds.length > 0 && { gpu_ids: [...options.gpuIds] }),
    requested: { ...requested },
  };
  const factor = settings.memory_limit_factor;
  // A job that asked for no memory has no limit to be held to.
  const limitBytes = factor !== undefined && requested.memory_bytes > 0 ? requested.memory_bytes * factor : undefined;
  let monitor: ProcessTreeMonitor | undefined;
  if (settings.enabled && run.pid !== undefined) {
    monitor = monitorProcessTree({
      root: run.pid,
      settings,
      ...(limitBytes !== undefined && { limitBytes }),
      ...(options.processTable && { processTable: options.processTable }),
      // A job given no GPU has none to sample: nvidia-smi is run only for those that have.
      ...(options.gpuUsage && options.gpuIds.length > 0 && { gpu: { source: options.gpuUsage, ids: options.gpuIds } }),
      onLimit: (usage) => {
        log.warn({ memory_bytes: usage.rss_bytes, limit_bytes: limitBytes }, 'job over its memory limit; killing it');
        // Processes that left the job's process group (setsid, daemons) die with it.
        for (const pid of usage.pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        void run.terminate({ immediate: true });
      },
    });
  }
  return {
    async finish(outcome) {
      const measured = monitor ? await monitor.stop() : { samples: 0 };
      const usage: ResourceUsage = { ...base, ...measured };
      if (usage.out_of_memory) {
        outcome.status = 'failed';
        outcome.return_code = 137;
        outcome.message = outOfMemoryMessage(usage.out_of_memory);
      }
      return usage;
    },
  };
}
