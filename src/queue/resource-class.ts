/**
 * Resource classes: the shape of a job, used to pick its queue. A worker pulls from a
 * queue only when the class fits what its ledger has free and, for a worker whose lease
 * ends (a Slurm walltime, a Spot notice), when the class's runtime fits in the time left.
 * Name form: `c{cpus}-m{MiB}-g{gpus}-n{nodes}-t{runtime seconds}`, e.g. `c4-m2048-g0-n1-t3600`.
 * Runtime is part of the class so that a worker near its end skips whole queues of jobs
 * that could not finish, instead of taking and giving back entries one by one.
 */
export interface ResourceClass {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes: number;
  /** Runtime limit in seconds; 0 means none. */
  runtime_s: number;
}

/** What is free on a worker. `num_nodes` is 1 unless the worker serves a whole multi-node allocation. */
export interface FreeResources {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes?: number;
}

const MIB = 1024 ** 2;
const CLASS_NAME = /^c(\d+)-m(\d+)-g(\d+)-n(\d+)-t(\d+)$/;

/**
 * Memory is rounded up to whole MiB and runtime to whole seconds, so that equal requirements
 * written differently share a queue.
 */
export function resourceClassName(r: ResourceClass): string {
  return `c${r.num_cpus}-m${Math.ceil(r.memory_bytes / MIB)}-g${r.num_gpus}-n${r.num_nodes}-t${Math.ceil(r.runtime_s)}`;
}

export function parseResourceClassName(name: string): ResourceClass | undefined {
  const m = CLASS_NAME.exec(name);
  if (!m) return undefined;
  return {
    num_cpus: Number(m[1]),
    memory_bytes: Number(m[2]) * MIB,
    num_gpus: Number(m[3]),
    num_nodes: Number(m[4]),
    runtime_s: Number(m[5]),
  };
}

/** Whether a job of class `need` fits in `free` (memory compared in whole MiB). */
export function fits(need: Omit<ResourceClass, 'runtime_s'>, free: FreeResources): boolean {
  return (
    need.num_cpus <= free.num_cpus &&
    Math.ceil(need.memory_bytes / MIB) * MIB <= free.memory_bytes + MIB - 1 &&
    need.num_gpus <= free.num_gpus &&
    need.num_nodes <= (free.num_nodes ?? 1)
  );
}

/**
 * Whether a job of runtime `runtime_s` can finish in `secondsLeft` (undefined: no end). A job
 * without a limit (0) fits only a worker without an end.
 */
export function fitsInTime(runtime_s: number, secondsLeft: number | undefined): boolean {
  if (secondsLeft === undefined) return true;
  return runtime_s > 0 && runtime_s <= secondsLeft;
}
