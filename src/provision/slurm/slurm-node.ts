/**
 * The worker's side of Slurm: what a worker started inside a Slurm job learns from its own
 * environment (how big it may be) and from squeue (when its lease ends). Slurm 22.05 sets no
 * SLURM_JOB_END_TIME, so the end time is asked of squeue.
 */
import { UnavailableError } from '../../core/errors.js';
import { slurmOutput, type SlurmCommandOptions } from './slurm-command.js';
import { parseSqueueJson } from './squeue-jobs.js';

/** One node of a Slurm job, as the worker on it sees it. */
export interface SlurmNode {
  jobId: string;
  /** CPUs the job holds on this node (SLURM_CPUS_ON_NODE). */
  numCpus: number;
  /**
   * Memory the job holds on this node: SLURM_MEM_PER_NODE, else SLURM_MEM_PER_CPU × CPUs.
   * Undefined when Slurm tracks no memory for the job (no memory-aware select plugin): the
   * node's memory is the limit.
   */
  memoryBytes?: number;
  /** SLURM_GPUS_ON_NODE, else the devices in CUDA_VISIBLE_DEVICES; 0 when neither is set. */
  numGpus: number;
  numNodes: number;
  /** This node's index in the job (SLURM_NODEID), 0 for the first. */
  nodeId: number;
}

const MB = 1024 ** 2;

function whole(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/** `CUDA_VISIBLE_DEVICES=0,1` → 2; empty or `NoDevFiles` (Slurm's "none") → 0. */
function countVisibleDevices(devices: string | undefined): number {
  if (!devices || devices === 'NoDevFiles') return 0;
  return devices.split(',').filter((d) => d.trim() !== '').length;
}

/**
 * What this process may use as one node of a Slurm job, from the environment Slurm gave it.
 * @returns undefined outside a Slurm job (no SLURM_JOB_ID)
 */
export function readSlurmNode(env: Record<string, string | undefined>): SlurmNode | undefined {
  const jobId = env.SLURM_JOB_ID ?? env.SLURM_JOBID;
  if (!jobId) return undefined;
  const numCpus = whole(env.SLURM_CPUS_ON_NODE) ?? 1;
  const perNode = whole(env.SLURM_MEM_PER_NODE);
  const perCpu = whole(env.SLURM_MEM_PER_CPU);
  // SLURM_MEM_PER_NODE=0 would mean "all of the node": Slurm sets the real figure instead, but be safe.
  const memoryMb = perNode ? perNode : perCpu ? perCpu * numCpus : undefined;
  return {
    jobId,
    numCpus,
    memoryBytes: memoryMb === undefined ? undefined : memoryMb * MB,
    numGpus: whole(env.SLURM_GPUS_ON_NODE) ?? countVisibleDevices(env.CUDA_VISIBLE_DEVICES),
    numNodes: whole(env.SLURM_JOB_NUM_NODES) ?? whole(env.SLURM_NNODES) ?? 1,
    nodeId: whole(env.SLURM_NODEID) ?? 0,
  };
}

/**
 * When Slurm will end job `jobId` (its start plus its time limit), from `squeue --json`.
 * @param env merged over the inherited environment for squeue (SLURM_CONF in tests)
 * @returns undefined when the job has no time limit
 * @throws UnavailableError when squeue fails or does not know the job
 */
export async function slurmJobEndTime(
  jobId: string,
  env: Record<string, string> = {},
  options: Pick<SlurmCommandOptions, 'timeoutMs'> = {},
): Promise<Date | undefined> {
  const out = await slurmOutput('squeue', ['--json', '--jobs', jobId], { ...options, env });
  const jobs = parseSqueueJson(out);
  const job = jobs.find((j) => String(j.job_id) === jobId);
  if (!job) throw new UnavailableError(`squeue does not know Slurm job ${jobId}`);
  if (job.time_limit === undefined || !job.end_time) return undefined;
  return new Date(job.end_time * 1000);
}
