/**
 * What a `worker start` offers and how long it may run: flags first, then the Slurm
 * allocation the worker runs in (its CPUs, memory and GPUs on this node, its end from
 * squeue), then the machine.
 */
import { inheritedEnvironment } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { readSlurmNode, slurmJobEndTime } from '../provision/slurm/slurm-node.js';
import { Lease } from '../worker/lease.js';
import type { WorkerFlags } from './commands/worker.js';
import { capacityFrom } from './resource-flags.js';

export interface WorkerSetting {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes?: number;
  lease: Lease;
}

export async function workerSetting(flags: WorkerFlags, logger: Logger): Promise<WorkerSetting> {
  const env = inheritedEnvironment();
  const slurm = readSlurmNode(env);
  const sized = {
    cpus: flags.cpus ?? slurm?.numCpus,
    mem: flags.mem ?? slurm?.memoryBytes,
    gpus: flags.gpus ?? slurm?.numGpus,
  };
  const capacity = await capacityFrom(sized);
  let endsAt: Date | undefined;
  if (slurm) {
    // Without its end a worker could take jobs that Slurm kills at walltime: retried, then fatal.
    endsAt = await slurmJobEndTime(slurm.jobId).catch((err: unknown) => {
      logger.warn({ err, job: slurm.jobId }, 'could not learn the allocation end from squeue; taking any job');
      return undefined;
    });
    logger.info(
      { slurm_job: slurm.jobId, ends_at: endsAt?.toISOString(), ...capacity },
      'worker in a Slurm allocation',
    );
  }
  return {
    ...capacity,
    ...(flags.nodes !== undefined && { num_nodes: flags.nodes }),
    lease: new Lease({ endsAt, bufferS: flags.expirationBuffer }),
  };
}
