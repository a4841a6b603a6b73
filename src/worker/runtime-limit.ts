/**
 * Runtime limits: an attempt that runs past its `runtime_s` (from the resources of its
 * `requires` edge, carried in the queue payload) is terminated by the worker — SIGTERM to
 * its process group, SIGKILL after the grace period (job-runner.ts) — and recorded as
 * `terminated` with a message saying so.
 */
import type { AttemptOutcome, RunningAttempt } from './job-runner.js';

/** setTimeout's longest delay (~24.8 days); longer limits are waited out in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The result message of an attempt the runtime limit ended. */
export function runtimeExceededMessage(runtime_s: number): string {
  return `terminated: exceeded its runtime limit of ${runtime_s} s`;
}

/** A watch on one running attempt; `clear()` once it has ended. */
export interface RuntimeLimit {
  /** Whether the limit fired (the attempt was told to terminate because of it). */
  readonly exceeded: boolean;
  clear(): void;
  /** `outcome`, with the runtime message when the limit ended the attempt. */
  annotate(outcome: AttemptOutcome): AttemptOutcome;
}

/**
 * Terminate `run` once it has run `runtime_s` seconds. A limit of 0 or less (or not a
 * finite number) means none. `onExceeded` is told first (for logging).
 */
export function enforceRuntimeLimit(run: RunningAttempt, runtime_s: number, onExceeded?: () => void): RuntimeLimit {
  let exceeded = false;
  let timer: NodeJS.Timeout | undefined;
  if (Number.isFinite(runtime_s) && runtime_s > 0) {
    const deadline = Date.now() + runtime_s * 1000;
    const arm = () => {
      const left = deadline - Date.now();
      if (left > 0) {
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        return;
      }
      exceeded = true;
      onExceeded?.();
      void run.terminate();
    };
    timer = setTimeout(arm, Math.min(runtime_s * 1000, MAX_TIMER_MS));
  }
  return {
    get exceeded() {
      return exceeded;
    },
    clear: () => clearTimeout(timer),
    annotate: (outcome) =>
      exceeded && outcome.status === 'terminated'
        ? { ...outcome, message: runtimeExceededMessage(runtime_s) }
        : outcome,
  };
}
