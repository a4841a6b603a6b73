/**
 * What this machine offers by default when a worker is started without `--cpus`, `--mem`
 * or `--gpus`: all logical cores, all memory, every NVIDIA/AMD GPU.
 */
import { availableParallelism, totalmem } from 'node:os';
import si from 'systeminformation';
import type { Capacity } from './resource-ledger.js';

/** Compute GPUs among graphics controllers: NVIDIA and AMD ones (integrated Intel/virtual VGA are not offered). */
export function countComputeGpus(controllers: ReadonlyArray<{ vendor?: string; model?: string }>): number {
  return controllers.filter((c) =>
    /nvidia|advanced micro devices|\bamd\b|\bati\b/i.test(`${c.vendor ?? ''} ${c.model ?? ''}`),
  ).length;
}

/**
 * Detect logical cores (those this process may run on), total memory and GPUs. Falls back to Node's `os` figures (and 0
 * GPUs) when systeminformation cannot tell, so a worker always starts.
 */
export async function detectMachineResources(): Promise<Capacity> {
  const [cpu, mem, graphics] = await Promise.all([
    si.cpu().catch(() => undefined),
    si.mem().catch(() => undefined),
    si.graphics().catch(() => undefined),
  ]);
  // Under Slurm (cpusets) or taskset the process may use fewer cores than the machine
  // has; offering more than the affinity mask allows would oversubscribe them.
  const usable = availableParallelism();
  const num_cpus = cpu?.cores && cpu.cores > 0 ? Math.min(cpu.cores, usable) : usable;
  const memory_bytes = mem?.total && mem.total > 0 ? mem.total : totalmem();
  const num_gpus = countComputeGpus(graphics?.controllers ?? []);
  return { num_cpus, memory_bytes, num_gpus };
}
