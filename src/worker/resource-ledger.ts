/**
 * The resource ledger of one compute node: what the worker offers and what its running
 * jobs hold. The worker takes a queue entry only when its class fits what is free.
 */
import { ValidationError } from '../core/errors.js';
import { fits as classFits, type ResourceClass } from '../queue/resource-class.js';

/** The part of a class the ledger counts (runtime is the lease's business, see pull-loop.ts). */
type Shape = Omit<ResourceClass, 'runtime_s'>;

/** What a worker offers, or holds free at a moment. */
export interface Capacity {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
}

/** The part of a job's needs the ledger counts (nodes are not a per-node resource). */
export type Reservation = Capacity;

export class ResourceLedger {
  private readonly total: Capacity;
  private used: Capacity = { num_cpus: 0, memory_bytes: 0, num_gpus: 0 };

  /** @throws ValidationError when a capacity is negative or not finite. */
  constructor(total: Capacity) {
    const issues = (Object.keys(total) as Array<keyof Capacity>)
      .filter((k) => !Number.isFinite(total[k]) || total[k] < 0)
      .map((k) => ({ path: k, message: 'must be a non-negative number' }));
    if (issues.length > 0) throw new ValidationError(issues);
    this.total = { ...total };
  }

  /** What the worker offers in all. */
  get capacity(): Capacity {
    return { ...this.total };
  }

  /** What is free now; never negative. */
  get free(): Capacity {
    return {
      num_cpus: this.total.num_cpus - this.used.num_cpus,
      memory_bytes: this.total.memory_bytes - this.used.memory_bytes,
      num_gpus: this.total.num_gpus - this.used.num_gpus,
    };
  }

  /** Whether nothing is reserved. */
  get idle(): boolean {
    return this.used.num_cpus === 0 && this.used.memory_bytes === 0 && this.used.num_gpus === 0;
  }

  /** Whether a job of `need` fits in what is free now (memory compared in whole MiB, as queue classes are). */
  fits(need: Shape): boolean {
    return classFits(need, this.free);
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
    };
    this.used = {
      num_cpus: this.used.num_cpus + held.num_cpus,
      memory_bytes: this.used.memory_bytes + held.memory_bytes,
      num_gpus: this.used.num_gpus + held.num_gpus,
    };
    return held;
  }

  /** Give back a reservation; over-release is clamped so the ledger never exceeds its capacity. */
  release(held: Reservation): void {
    this.used = {
      num_cpus: Math.max(0, this.used.num_cpus - held.num_cpus),
      memory_bytes: Math.max(0, this.used.memory_bytes - held.memory_bytes),
      num_gpus: Math.max(0, this.used.num_gpus - held.num_gpus),
    };
  }
}
