/**
 * Resource classes: the hardware shape of a job, used to pick its queue. A worker pulls
 * from a queue only when the class fits what its ledger has free.
 * Name form: `c{cpus}-m{MiB}-g{gpus}-n{nodes}`, e.g. `c4-m2048-g0-n1`.
 */
export interface ResourceClass {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes: number;
}

const MIB = 1024 ** 2;
const CLASS_NAME = /^c(\d+)-m(\d+)-g(\d+)-n(\d+)$/;

/** Memory is rounded up to whole MiB so that equal requirements written differently share a queue. */
export function resourceClassName(r: ResourceClass): string {
  return `c${r.num_cpus}-m${Math.ceil(r.memory_bytes / MIB)}-g${r.num_gpus}-n${r.num_nodes}`;
}

export function parseResourceClassName(name: string): ResourceClass | undefined {
  const m = CLASS_NAME.exec(name);
  if (!m) return undefined;
  return { num_cpus: Number(m[1]), memory_bytes: Number(m[2]) * MIB, num_gpus: Number(m[3]), num_nodes: Number(m[4]) };
}

/** Whether a job of class `need` fits in `free`. */
export function fits(need: ResourceClass, free: Omit<ResourceClass, 'num_nodes'>): boolean {
  return (
    need.num_cpus <= free.num_cpus &&
    Math.ceil(need.memory_bytes / MIB) * MIB <= free.memory_bytes + MIB - 1 &&
    need.num_gpus <= free.num_gpus &&
    need.num_nodes <= 1
  );
}
