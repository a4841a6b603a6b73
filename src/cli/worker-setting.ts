/**
 * What a `worker start` offers and how long it may run: flags first, then the Slurm
 * allocation the worker runs in (its CPUs, memory and GPUs on this node, its end from
 * squeue), then the machine. With `--imds`, the EC2 instance it runs on (from instance
 * metadata) and the metadata service to watch for Spot notices.
 */
import { inheritedEnvironment, type Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { ImdsClient } from '../provision/aws/imds-client.js';
import { readSlurmNode, slurmJobEndTime } from '../provision/slurm/slurm-node.js';
import type { GpuDevice } from '../worker/gpu-discovery.js';
import { Lease } from '../worker/lease.js';
import type { WorkerOptions } from '../worker/worker.js';
import type { WorkerFlags } from './commands/worker.js';
import { capacityFrom } from './resource-flags.js';

export interface WorkerSetting {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /** The GPUs offered, by device. */
  gpus: GpuDevice[];
  num_nodes?: number;
  lease: Lease;
  instance?: WorkerOptions['instance'];
}

export async function workerSetting(
  flags: WorkerFlags,
  logger: Logger,
  config: Pick<Config, 'AWS_EC2_METADATA_SERVICE_ENDPOINT' | 'JOBGRAPH_IMDS_POLL_MS'>,
): Promise<WorkerSetting> {
  const env = inheritedEnvironment();
  const slurm = readSlurmNode(env);
  const sized = {
    cpus: flags.cpus ?? slurm?.numCpus,
    mem: flags.mem ?? slurm?.memoryBytes,
    gpus: flags.gpus ?? slurm?.numGpus,
  };
  const capacity = await capacityFrom(sized, logger);
  let endsAt: Date | undefined;
  if (slurm) {
    // Without its end a worker could take jobs that Slurm kills at walltime: asked again, then fatal.
    endsAt = await allocationEnd(slurm.jobId).catch((err: unknown) => {
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
    ...(flags.imds !== undefined && { instance: await instanceSetting(flags.imds, logger, config) }),
  };
}

/** Tries of `squeue` for the allocation's end, and the pause between them (a busy controller, a loaded node). */
const END_TIME_TRIES = 3;
const END_TIME_PAUSE_MS = 1000;

/** The allocation's end from squeue, asked up to {@link END_TIME_TRIES} times. */
async function allocationEnd(jobId: string): Promise<Date | undefined> {
  for (let tries = 1; ; tries++) {
    try {
      return await slurmJobEndTime(jobId);
    } catch (err) {
      if (tries >= END_TIME_TRIES) throw err;
      await new Promise((r) => setTimeout(r, END_TIME_PAUSE_MS));
    }
  }
}

/** The metadata service to watch, and the instance's identity when it answers. */
async function instanceSetting(
  flag: boolean | string,
  logger: Logger,
  config: Pick<Config, 'AWS_EC2_METADATA_SERVICE_ENDPOINT' | 'JOBGRAPH_IMDS_POLL_MS'>,
): Promise<NonNullable<WorkerOptions['instance']>> {
  const imds = new ImdsClient({ baseUrl: typeof flag === 'string' ? flag : config.AWS_EC2_METADATA_SERVICE_ENDPOINT });
  // Without its identity the worker still runs and still watches: a notice may come later.
  const identity = await imds.identity().catch((err: unknown) => {
    logger.warn({ err }, 'could not read the instance identity from instance metadata');
    return undefined;
  });
  if (identity) logger.info({ ...identity }, 'worker on an EC2 instance');
  return { imds, pollMs: config.JOBGRAPH_IMDS_POLL_MS, ...(identity && { identity }) };
}
