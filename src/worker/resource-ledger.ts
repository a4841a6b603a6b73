/**
 * The resource ledger of one compute node: what the worker offers and what its running
 * jobs hold. The worker takes a queue entry only when its class fits what is free.
 *
 * Nodes: a worker normally offers one node and runs single-node jobs only. A worker that
 * serves a whole multi-node allocation (`num_nodes` > 1) hands out nodes too: each job
 * holds as many as it asks for (a multi-node job drives the others itself, e.g. with srun),
 * so its jobs never share a node's count beyond that.
 */
import { ValidationError } from '../core/errors.js';
import { fits as classFits, type ResourceClass } from '../queue/resource-class.js';

/** What a worker offers, or holds free at a moment. */
export interface Capacity {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /** @default 1 */
  num_nodes?: number;
}

/** What one running job holds. */
export type Reservation = Required<Capacity>;

/** The part of a class the ledger counts (runtime is the lease's business, see lease.ts). */
type Shape = Omit<ResourceClass, 'runtime_s'>;

const NONE: Reservation = { num_cpus: 0, memory_bytes: 0, num_gpus: 0, num_nodes: 0 };

export class ResourceLedger {
  private readonly total: Reservation;
  private used: Reservation = { ...NONE };

  /** @throws ValidationError when a capacity is negative or not finite. */
  constructor(total: Capacity) {
    const full: Reservation = { num_nodes: 1, ...total };
    const issues = (Object.keys(full) as Array<keyof Reservation>)
      .filter((k) => !Number.isFinite(full[k]) || full[k] < 0)
      .map((k) => ({ path: k, message: 'must be a non-negative number' }));
    if (issues.length > 0) throw new ValidationError(issues);
    this.total = full;
  }

  /** What the worker offers in all. */
  get capacity(): Reservation {
    return { ...this.total };
  }

  /** What is free now; never negative. */
  get free(): Reservation {
    return {
      num_cpus: this.total.num_cpus - this.used.num_cpus,
      memory_bytes: this.total.memory_bytes - this.used.memory_bytes,
      num_gpus: this.total.num_gpus - this.used.num_gpus,
      num_nodes: this.total.num_nodes - this.used.num_nodes,
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
    const held: Reservation = {
      num_cpus: need.num_cpus,
      memory_bytes: Math.min(need.memory_bytes, free.memory_bytes),
      num_gpus: need.num_gpus,
      num_nodes: this.multiNode ? need.num_nodes : 0,
    };
    this.used = add(this.used, held, 1);
    return held;
  }

  /** Give back a reservation; over-release is clamped so the ledger never exceeds its capacity. */
  release(held: Reservation): void {
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

function add(a: Reservation, b: Reservation, sign: 1 | -1): Reservation {
  return {
    num_cpus: a.num_cpus + sign * b.num_cpus,
    memory_bytes: a.memory_bytes + sign * b.memory_bytes,
    num_gpus: a.num_gpus + sign * b.num_gpus,
    num_nodes: a.num_nodes + sign * b.num_nodes,
  };
}
