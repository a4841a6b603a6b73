/**
 * The resource ledger of one compute node: what the worker offers and what its running
 * jobs hold. The worker takes a queue entry only when its class fits what is free.
 *
 * Nodes: a worker normally offers one node and runs single-node jobs only. A worker that
 * serves a whole multi-node allocation (`num_nodes` > 1) hands out nodes too: each job
 * holds as many as it asks for (a multi-node job drives the others itself, e.g. with srun),
 * so its jobs never share a node's count beyond that.
 *
 * GPUs: the ledger hands out specific devices, by the id the job's `CUDA_VISIBLE_DEVICES`
 * names them with (gpu-discovery.ts); a device is held by at most one job at a time. Without
 * detected ids the GPUs are numbered 0..n-1.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { fits as classFits, type ResourceClass } from '../queue/resource-class.js';

/** What a worker offers, or holds free at a moment. */
export interface Capacity {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /** @default 1 */
  num_nodes?: number;
  /** Ids of the GPUs offered (as many as `num_gpus`). @default "0".."num_gpus-1" */
  gpu_ids?: readonly string[];
}

/** What one running job holds: counts, and the GPU devices it was given. */
export interface Reservation {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes: number;
  gpu_ids: string[];
}

type Counts = Omit<Reservation, 'gpu_ids'>;

/** The part of a class the ledger counts (runtime is the lease's business, see lease.ts). */
type Shape = Omit<ResourceClass, 'runtime_s'>;

const NONE: Counts = { num_cpus: 0, memory_bytes: 0, num_gpus: 0, num_nodes: 0 };

export class ResourceLedger {
  private readonly total: Counts;
  private readonly gpuIds: readonly string[];
  private used: Counts = { ...NONE };
  /** GPU ids not held by a job, in the order offered. */
  private freeGpus: Set<string>;

  /** @throws ValidationError when a capacity is negative or not finite, or `gpu_ids` does not match `num_gpus`. */
  constructor(total: Capacity) {
    const { gpu_ids, ...counts } = total;
    const full: Counts = { num_nodes: 1, ...counts };
    const issues: FieldIssue[] = (Object.keys(full) as Array<keyof Counts>)
      .filter((k) => !Number.isFinite(full[k]) || full[k] < 0)
      .map((k) => ({ path: k, message: 'must be a non-negative number' }));
    const ids =
      gpu_ids ?? Array.from({ length: Number.isInteger(full.num_gpus) ? full.num_gpus : 0 }, (_, i) => String(i));
    if (issues.length === 0 && (ids.length !== full.num_gpus || new Set(ids).size !== ids.length))
      issues.push({ path: 'gpu_ids', message: `must be ${full.num_gpus} distinct ids (one per GPU offered)` });
    if (issues.length > 0) throw new ValidationError(issues);
    this.total = full;
    this.gpuIds = [...ids];
    this.freeGpus = new Set(ids);
  }

  /** What the worker offers in all. */
  get capacity(): Reservation {
    return { ...this.total, gpu_ids: [...this.gpuIds] };
  }

  /** What is free now; never negative. */
  get free(): Reservation {
    return {
      num_cpus: this.total.num_cpus - this.used.num_cpus,
      memory_bytes: this.total.memory_bytes - this.used.memory_bytes,
      num_gpus: this.total.num_gpus - this.used.num_gpus,
      num_nodes: this.total.num_nodes - this.used.num_nodes,
      gpu_ids: [...this.freeGpus],
    };
  }

  /** Whether nothing is reserved. */
  get idle(): boolean {
    return this.used.num_cpus === 0 && this.used.memory_bytes === 0 && this.used.num_gpus === 0;
  }

  /** Whether a job of `need` fits in what is free now (memory compared in whole MiB, as queue classes are). */
  fits(need: Shape): boolean {
    return classFits(need, this.multiNode ? this.free : { ...this.free, num_nodes: 1 });
  }

  /** Whether a job of `need` could ever run here, i.e. fits an idle ledger. */
  couldEverFit(need: Shape): boolean {
    return classFits(need, this.total);
  }

  /**
   * Hold `need`. Memory is capped at what is free so that a class whose MiB rounding
   * exceeds the exact free bytes by less than a MiB never drives the ledger negative.
   * @returns the reservation actually held (pass it to {@link release}), or undefined
   *   when `need` does not fit.
   */
  reserve(need: Shape): Reservation | undefined {
    if (!this.fits(need)) return undefined;
    const free = this.free;
    const gpu_ids = free.gpu_ids.slice(0, need.num_gpus);
    for (const id of gpu_ids) this.freeGpus.delete(id);
    const held: Reservation = {
      num_cpus: need.num_cpus,
      memory_bytes: Math.min(need.memory_bytes, free.memory_bytes),
      num_gpus: need.num_gpus,
      num_nodes: this.multiNode ? need.num_nodes : 0,
      gpu_ids,
    };
    this.used = add(this.used, held, 1);
    return held;
  }

  /** Give back a reservation; over-release is clamped so the ledger never exceeds its capacity. */
  release(held: Reservation): void {
    // Only ids this ledger offers come back, so a stray release cannot invent a device.
    for (const id of held.gpu_ids) if (this.gpuIds.includes(id)) this.freeGpus.add(id);
    const next = add(this.used, held, -1);
    this.used = {
      num_cpus: Math.max(0, next.num_cpus),
      memory_bytes: Math.max(0, next.memory_bytes),
      num_gpus: Math.max(0, next.num_gpus),
      num_nodes: Math.max(0, next.num_nodes),
    };
  }

  private get multiNode(): boolean {
    return this.total.num_nodes > 1;
  }
}

function add(a: Counts, b: Counts, sign: 1 | -1): Counts {
  return {
    num_cpus: a.num_cpus + sign * b.num_cpus,
    memory_bytes: a.memory_bytes + sign * b.memory_bytes,
    num_gpus: a.num_gpus + sign * b.num_gpus,
    num_nodes: a.num_nodes + sign * b.num_nodes,
  };
}
