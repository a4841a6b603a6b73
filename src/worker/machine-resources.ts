/**
 * What this machine offers by default when a worker is started without `--cpus`, `--mem`
 * or `--gpus`: all logical cores, all memory, every NVIDIA/AMD GPU it may use (gpu-discovery.ts).
 */
import { availableParallelism, totalmem } from 'node:os';
import { discoverGpus, type GpuDevice } from './gpu-discovery.js';

/** The machine: cores, memory, and the GPUs with why detection said nothing (one line each). */
export interface MachineResources {
  num_cpus: number;
  memory_bytes: number;
  gpus: GpuDevice[];
  gpuWarnings: string[];
}

/**
 * Detect logical cores (those this process may run on), total memory and GPUs.
 * `env` is the worker's inherited environment.
 */
export async function detectMachineResources(env: NodeJS.ProcessEnv): Promise<MachineResources> {
  const gpus = await discoverGpus(env);
  // Under Slurm (cpusets) or taskset the process may use fewer cores than the machine
  // has; offering more than the affinity mask allows would oversubscribe them.
  return { num_cpus: availableParallelism(), memory_bytes: totalmem(), gpus: gpus.devices, gpuWarnings: gpus.warnings };
}

/**
 * The GPUs a worker offers when it is told how many (`--gpus n`, a Slurm allocation's count):
 * the first `n` detected, then — when detection found fewer (no tool on the node, a driver
 * down) — indices not yet taken, so that the count asked for is still handed out by id.
 */
export function offeredGpus(detected: readonly GpuDevice[], count: number | undefined): GpuDevice[] {
  if (count === undefined) return [...detected];
  const offered = detected.slice(0, count);
  for (let i = 0; offered.length < count; i++)
    if (!offered.some((d) => d.id === String(i)))
      offered.push({ id: String(i), vendor: detected[0]?.vendor ?? 'nvidia' });
  return offered;
}
