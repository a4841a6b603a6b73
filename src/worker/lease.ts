/**
 * A worker's lease on its node: when the node will be taken back (a Slurm allocation's
 * walltime, a Spot interruption notice, an announced stop) and how long before that the
 * worker stops taking jobs (torc's `compute_node_expiration_buffer_seconds`). The pull loop
 * asks it how many seconds a job may still need, and takes only from queues whose runtime
 * fits (see resource-class.ts).
 *
 * Two ways a node's end comes early: `announce` (a Spot interruption notice: the node goes
 * at a time; attempts that cannot finish before it are terminated as interrupted) and `drain`
 * (a rebalance recommendation: the node may go soon; nothing new starts, running attempts
 * finish, and the worker ends once idle).
 */

export interface LeaseOptions {
  /** When the node goes away, if known at start (Slurm: the job's end time). */
  endsAt?: Date;
  /** Seconds before `endsAt` when no new job starts. @default 0 */
  bufferS?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Why the end was moved earlier. */
export interface LeaseNotice {
  /** e.g. `spot interruption`, `rebalance recommendation`. */
  reason: string;
  /** When the node goes away. */
  at: Date;
}

export class Lease {
  private end: Date | undefined;
  private readonly bufferMs: number;
  private readonly now: () => number;
  private lastNotice: LeaseNotice | undefined;
  private drainReason: string | undefined;
  private readonly listeners = new Set<(notice: LeaseNotice) => void>();

  constructor(options: LeaseOptions = {}) {
    this.end = options.endsAt;
    this.bufferMs = Math.max(0, options.bufferS ?? 0) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** When the node goes away; undefined when nothing says it will. */
  get endsAt(): Date | undefined {
    return this.end;
  }

  /** The notice that moved the end, if one did. */
  get notice(): LeaseNotice | undefined {
    return this.lastNotice;
  }

  /**
   * Seconds a job started now may run and still end before the buffer; undefined when the
   * lease has no end (any runtime fits). Never negative.
   */
  secondsForNewJobs(): number | undefined {
    if (this.drainReason !== undefined) return 0;
    if (!this.end) return undefined;
    return Math.max(0, (this.end.getTime() - this.bufferMs - this.now()) / 1000);
  }

  /** Seconds until the node goes away (no buffer); undefined without an end. */
  secondsLeft(): number | undefined {
    if (!this.end) return undefined;
    return Math.max(0, (this.end.getTime() - this.now()) / 1000);
  }

  /**
   * Why an attempt started at `startedAtMs` (ms since the epoch) with a runtime limit of
   * `runtimeS` would be cut short by the node's end: the notice's reason, or the end itself;
   * undefined when it ends before, or when nothing says the node ends. An attempt without a
   * limit (0) never ends before.
   */
  cutShort(startedAtMs: number, runtimeS: number): string | undefined {
    if (!this.end) return undefined;
    if (runtimeS > 0 && startedAtMs + runtimeS * 1000 <= this.end.getTime()) return undefined;
    const notice = this.lastNotice;
    return notice && notice.at.getTime() <= this.end.getTime()
      ? notice.reason
      : 'the node goes before the job could end';
  }

  /** The node goes away at `notice.at` (only ever earlier than a known end); listeners hear it once per notice. */
  announce(notice: LeaseNotice): void {
    if (this.end && this.end.getTime() <= notice.at.getTime() && this.lastNotice) return;
    if (!this.end || notice.at.getTime() < this.end.getTime()) this.end = notice.at;
    this.lastNotice = notice;
    for (const listener of this.listeners) listener(notice);
  }

  /** Why the lease is draining (see {@link Lease.drain}); undefined while it is not. */
  get draining(): string | undefined {
    return this.drainReason;
  }

  /**
   * Take no new job from now on, terminating nothing: running attempts finish, and the worker
   * ends once none is left (its pull loop ends `expired`). The first reason is kept.
   */
  drain(reason: string): void {
    this.drainReason ??= reason;
  }

  /** Hear notices; returns a function that stops listening. */
  onNotice(listener: (notice: LeaseNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
