/**
 * The worker's side of self-fencing (issue 9, item 4; rules in core/fencing.ts): a timer armed
 * for `fenceMs` after the send time of the last heartbeat Redis acknowledged. When it fires the
 * worker is cut off from the cluster for longer than it may be — the scheduler may soon declare
 * it lost and run its jobs elsewhere — so `onFence` terminates its jobs and stops its pulling;
 * the next acknowledged beat that is recent enough calls `onUnfence`, and work resumes.
 */
import { performance } from 'node:perf_hooks';
import { isFenced, msUntilFenced } from '../core/fencing.js';
import { silentLogger, type Logger } from '../core/logger.js';

/** Options of {@link HeartbeatFence}. */
export interface HeartbeatFenceOptions {
  /** How long without a renewal fences the worker (`fence_ms` from the registration). */
  fenceMs: number;
  /** The worker is fenced: `silentMs` is how long since its last renewal was sent. */
  onFence: (silentMs: number) => void;
  /** A renewal succeeded again after a fence. */
  onUnfence: (fencedMs: number) => void;
  /** Same clock as the heartbeat's `sentAt`. @default performance.now */
  now?: () => number;
  /** @default silentLogger */
  logger?: Logger;
}

export class HeartbeatFence {
  private lastRenewedAt: number | undefined;
  private fencedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: HeartbeatFenceOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Whether the worker is fenced now. */
  get fenced(): boolean {
    return this.fencedAt !== undefined;
  }

  /** A heartbeat sent at `sentAt` was acknowledged by Redis. The first one arms the fence. */
  renewed(sentAt: number): void {
    if (this.stopped) return;
    // Beats may be acknowledged out of order after a reconnect: only a later send time counts.
    if (this.lastRenewedAt !== undefined && sentAt <= this.lastRenewedAt) return;
    this.lastRenewedAt = sentAt;
    const now = this.now();
    // A beat sent long ago and acknowledged only now (queued while Redis was unreachable) does
    // not prove the key lives long enough: the worker stays fenced until a fresh one lands.
    if (isFenced(sentAt, now, this.opts.fenceMs)) return;
    if (this.fencedAt !== undefined) {
      const fencedMs = now - this.fencedAt;
      this.fencedAt = undefined;
      (this.opts.logger ?? silentLogger).warn({ fencedMs: Math.round(fencedMs) }, 'heartbeat renewed: fence lifted');
      this.opts.onUnfence(fencedMs);
    }
    this.arm(msUntilFenced(sentAt, now, this.opts.fenceMs));
  }

  /** Disarm for good (the worker stops: its own stop ends the jobs). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), ms);
    // The worker's own work keeps the process alive; a pending fence alone must not.
    this.timer.unref();
  }

  private check(): void {
    if (this.stopped || this.lastRenewedAt === undefined || this.fencedAt !== undefined) return;
    const now = this.now();
    // A renewal re-arms the timer, so firing late means none came: fence (re-checked against the clock all the same).
    if (!isFenced(this.lastRenewedAt, now, this.opts.fenceMs)) {
      this.arm(msUntilFenced(this.lastRenewedAt, now, this.opts.fenceMs));
      return;
    }
    this.fencedAt = now;
    const silentMs = now - this.lastRenewedAt;
    (this.opts.logger ?? silentLogger).error(
      { silentMs: Math.round(silentMs), fenceMs: this.opts.fenceMs },
      'heartbeat not renewed within the fencing timeout: terminating running jobs, taking none until it renews',
    );
    this.opts.onFence(silentMs);
  }
}
