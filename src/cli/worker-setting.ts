/**
 * What a `worker start` offers and how long it may run: flags first, then the allocation
 * the worker runs in, then the machine.
 */
import type { Logger } from '../core/logger.js';
import { Lease } from '../worker/lease.js';
import { capacityFrom } from './resource-flags.js';
import type { WorkerFlags } from './commands/worker.js';

export interface WorkerSetting {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes?: number;
  lease: Lease;
}

export async function workerSetting(flags: WorkerFlags, logger: Logger): Promise<WorkerSetting> {
  const capacity = await capacityFrom(flags);
  logger.debug({ capacity }, 'worker capacity');
  return {
    ...capacity,
    ...(flags.nodes !== undefined && { num_nodes: flags.nodes }),
    lease: new Lease({ bufferS: flags.expirationBuffer }),
  };
}
