/**
 * Feasibility before a run: jobs that no worker of the given capacity could ever take,
 * each with a reason a user can act on. `jobgraph run` uses it to fail fast, naming the
 * job, instead of waiting forever for a worker that will not come.
 */
import type { Resources } from '../core/model.js';
import { plural } from '../core/plural.js';
import { formatMemory } from '../core/units.js';
import type { GraphStore } from '../graph/graph-store.js';
import { fits } from '../queue/resource-class.js';

/** The largest free resources a single worker offers. */
export interface WorkerCapacity {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
}

export interface UnsatisfiableJob {
  job: string;
  name: string;
  resources: Resources;
  /** e.g. `needs 64 CPUs, the largest worker has 2` (several reasons joined by `; `). */
  reason: string;
}

/** Why `need` does not fit `capacity`, one phrase per dimension; empty when it fits. */
export function unsatisfiedReasons(need: Resources, capacity: WorkerCapacity): string[] {
  if (fits(need, capacity)) return [];
  const reasons: string[] = [];
  if (need.num_cpus > capacity.num_cpus) {
    reasons.push(`needs ${plural(need.num_cpus, 'CPU')}, the largest worker has ${capacity.num_cpus}`);
  }
  // Compare as fits() does (whole MiB), so the message never contradicts the decision.
  if (!fits({ ...need, num_cpus: 0, num_gpus: 0, num_nodes: 1 }, capacity)) {
    reasons.push(
      `needs ${formatMemory(need.memory_bytes)} of memory, the largest worker has ${formatMemory(capacity.memory_bytes)}`,
    );
  }
  if (need.num_gpus > capacity.num_gpus) {
    reasons.push(`needs ${plural(need.num_gpus, 'GPU')}, the largest worker has ${capacity.num_gpus}`);
  }
  if (need.num_nodes > 1) {
    reasons.push(`needs ${need.num_nodes} nodes, a single worker provides 1`);
  }
  return reasons;
}

/** Every non-disabled job of `workflow` that a worker of `capacity` cannot run. */
export async function findUnsatisfiableJobs(
  store: Pick<GraphStore, 'listJobResources'>,
  workflow: string,
  capacity: WorkerCapacity,
): Promise<UnsatisfiableJob[]> {
  const out: UnsatisfiableJob[] = [];
  for (const { job, name, resources } of await store.listJobResources(workflow)) {
    const reasons = unsatisfiedReasons(resources, capacity);
    if (reasons.length > 0) out.push({ job, name, resources, reason: reasons.join('; ') });
  }
  return out;
}
