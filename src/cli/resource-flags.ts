/**
 * `--cpus`, `--mem`, `--gpus`: what a worker offers (`worker start`, and the local worker
 * of `jobgraph run`). Unset ones default to what the machine has.
 */
import type { Command } from 'commander';
import { inheritedEnvironment } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { memoryFlag, nonNegativeIntFlag, positiveIntFlag } from './flags.js';

export interface ResourceFlags {
  cpus?: number;
  mem?: number;
  gpus?: number;
}

export function addResourceFlags(command: Command, whose: string): Command {
  return command
    .option('--cpus <n>', `CPUs ${whose} (default: all logical cores)`, positiveIntFlag)
    .option('--mem <size>', `memory ${whose}, e.g. 180g (default: all memory)`, memoryFlag)
    .option('--gpus <n>', `GPUs ${whose} (default: detected)`, nonNegativeIntFlag);
}

/**
 * The capacity the flags ask for, the machine's where they are silent; GPUs by device
 * (`--gpus 0` offers none). A GPU tool that fails is logged as a warning, not fatal.
 */
export async function capacityFrom(flags: ResourceFlags, logger?: Logger) {
  // Loaded on use: the client commands never detect hardware.
  const { detectMachineResources, offeredGpus } = await import('../worker/machine-resources.js');
  const machine = await detectMachineResources(inheritedEnvironment());
  for (const warning of machine.gpuWarnings) logger?.warn(`GPU detection: ${warning}`);
  const gpus = offeredGpus(machine.gpus, flags.gpus);
  return {
    num_cpus: flags.cpus ?? machine.num_cpus,
    memory_bytes: flags.mem ?? machine.memory_bytes,
    num_gpus: gpus.length,
    gpus,
  };
}
