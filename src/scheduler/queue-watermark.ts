/**
 * Bounded promotion's rule (decision 0016), pure: how many entries a (workflow, resource
 * class) queue should hold. A queue needs enough waiting entries that every live worker
 * slot the class fits finds one the moment it frees, plus as many again so the refill
 * (a pass after each completion batch) has time to land; beyond that an entry only costs
 * Redis memory. With no live worker that states its size (none started yet, allocations
 * pending, an older worker) the floor holds, so the first workers find work at once.
 */
import type { WorkerSize } from '../queue/heartbeat-report.js';
import type { ResourceClass } from '../queue/resource-class.js';

/** Entries per live slot: one for the slot, one so the next is there before the refill lands (at half the mark). */
export const WATERMARK_FACTOR = 2;

const MIB = 1024 ** 2;

/** How many jobs of `need` fit side by side on a worker of size `w` (0 when none does). */
export function slotsOn(need: Omit<ResourceClass, 'runtime_s'>, w: WorkerSize): number {
  // A multi-node job takes a whole allocation's worker: one at a time at most.
  const perDimension = [
    need.num_cpus > 0 ? Math.floor(w.num_cpus / need.num_cpus) : Infinity,
    // Memory in whole MiB, as fits() compares it.
    need.memory_bytes > 0 ? Math.floor(Math.ceil(w.memory_bytes / MIB) / Math.ceil(need.memory_bytes / MIB)) : Infinity,
    need.num_gpus > 0 ? Math.floor(w.num_gpus / need.num_gpus) : Infinity,
  ];
  const slots = Math.min(...perDimension);
  // A job that asks for nothing countable runs one per CPU (the worker's launcher bound).
  const bounded = Number.isFinite(slots) ? slots : Math.max(1, w.num_cpus);
  return need.num_nodes > 1 ? Math.min(bounded, 1) : bounded;
}

/** Live slots for `need` over every worker. */
export function liveSlots(need: Omit<ResourceClass, 'runtime_s'>, workers: readonly WorkerSize[]): number {
  return workers.reduce((sum, w) => sum + slotsOn(need, w), 0);
}

/** The watermark of a queue of class `need`: `max(floor, factor × live slots)`. */
export function queueWatermark(
  need: Omit<ResourceClass, 'runtime_s'>,
  workers: readonly WorkerSize[],
  floor: number,
): number {
  return Math.max(floor, WATERMARK_FACTOR * liveSlots(need, workers));
}

/**
 * Whether a queue holding `waiting` entries of its `mark` is refilled now: once it is down to
 * half its mark. Still at least one entry per live slot then (the mark is twice the slots), and
 * a refill brings half a mark at once rather than one entry per completion — one claim, one
 * enqueue and one `queued` hint for many jobs.
 */
export function needsRefill(waiting: number, mark: number): boolean {
  return waiting <= Math.floor(mark / 2);
}

/**
 * How many ready jobs of a workflow to promote now: the sum over its queues due for a refill
 * ({@link needsRefill}) of what each lacks to its watermark (any other queue adds nothing,
 * never subtracts), or the floor when it has no queue yet. The store claims a workflow's ready jobs without
 * regard to class, so with several classes one refill can put a few more than its mark in
 * a queue; summing the deficits (rather than bounding the total) keeps a full queue that no
 * worker takes from starving the others (decision 0016).
 * @param queues per queue of the workflow: its class and its waiting entries
 */
export function promotionBudget(
  queues: ReadonlyArray<{ resourceClass: ResourceClass; waiting: number }>,
  workers: readonly WorkerSize[],
  floor: number,
): number {
  if (queues.length === 0) return floor;
  return queues.reduce((sum, q) => {
    const mark = queueWatermark(q.resourceClass, workers, floor);
    return sum + (needsRefill(q.waiting, mark) ? mark - q.waiting : 0);
  }, 0);
}
