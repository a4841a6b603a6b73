/**
 * Self-fencing (issue 9, item 4): a worker that cannot renew its heartbeat stops its jobs
 * before the scheduler can declare it lost and run them elsewhere, so no attempt runs twice
 * at once. Pure rules; the worker applies them (src/worker/heartbeat-fence.ts).
 *
 * The ordering argument. A beat sent at `t` reaches Redis at `t` or later, so the key it sets
 * lives until `t + ttl` at least; the watchdog declares the worker lost only once the key has
 * stayed missing for one more interval (decision 0004): not before `t + ttl + interval`. A
 * worker that measures from the *send* time of its last successful beat and fences at
 * `t + fence` with `fence < ttl` has its jobs signalled before the key can even expire; the
 * rest of the margin (`ttl - fence + interval`) is what its terminate grace may use.
 */

/**
 * The fencing timeout when none is set: halfway between one heartbeat interval (a single
 * late beat must not fence) and the worker timeout (the key's lifetime).
 */
export function defaultFenceMs(heartbeatMs: number, workerTimeoutMs: number): number {
  return Math.round(heartbeatMs + (workerTimeoutMs - heartbeatMs) / 2);
}

/** Why `fenceMs` is unusable with these heartbeat settings, or undefined when it is fine. */
export function fenceTimeoutProblem(fenceMs: number, heartbeatMs: number, workerTimeoutMs: number): string | undefined {
  // Not above one interval: a beat that is merely on time would fence a healthy worker.
  if (fenceMs <= heartbeatMs) return 'must be longer than JOBGRAPH_HEARTBEAT_MS';
  // Not below the key's lifetime: the scheduler could re-run the jobs while they still run here.
  if (fenceMs >= workerTimeoutMs) return 'must be shorter than JOBGRAPH_WORKER_TIMEOUT_MS';
  return undefined;
}

/**
 * Whether a worker whose last successful heartbeat was sent at `lastRenewedAt` is fenced at
 * `now` (both ms on the same clock): it is once `fenceMs` have passed without a renewal.
 */
export function isFenced(lastRenewedAt: number, now: number, fenceMs: number): boolean {
  return now - lastRenewedAt >= fenceMs;
}

/** Milliseconds until a worker last renewed at `lastRenewedAt` is fenced (0: it is). */
export function msUntilFenced(lastRenewedAt: number, now: number, fenceMs: number): number {
  return Math.max(0, lastRenewedAt + fenceMs - now);
}
