/**
 * What happens to a job whose attempt was lost with its worker, shared by every GraphStore
 * adapter (recordLostAttempts): re-run as attempt + 1 while its lost re-runs are below the
 * cap, else fail. Lost re-runs are counted apart from failure-handler retries, so a job
 * that kills its node is stopped by this cap and a flaky node does not eat the job's retries.
 */

/** Options of recordLostAttempts. */
export interface LostAttemptOptions {
  /** Cap on re-runs after lost workers when the job has no `max_lost_reruns` of its own. */
  maxLostReruns: number;
  /** @default 'worker lost' */
  message?: string;
  /**
   * The worker is alive and said it does not hold the attempts (the heartbeat backstop,
   * scheduler/unheld-attempts.ts): its compute node stays active, and the event is
   * `attempt_not_held` instead of `worker_lost`.
   */
  workerAlive?: boolean;
}

export interface LostAttemptPlan {
  rerun: boolean;
  /** `lost_reruns` after this loss (unchanged when the cap is hit). */
  lostReruns: number;
  resultMessage: string;
  /** The failed job's message when the cap is hit. */
  jobMessage: string;
  /** Seconds from the job's `started_at` to `now` (0 when unknown). */
  execTimeS(now: string): number;
}

export const DEFAULT_LOST_MESSAGE = 'worker lost';

/** The cap when neither the job nor the caller sets one (JOBGRAPH_MAX_LOST_RERUNS's default). */
export const DEFAULT_MAX_LOST_RERUNS = 3;

function nonNegativeInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Decide from the job document (its `lost_reruns`, `max_lost_reruns`, `started_at`). */
export function lostAttemptPlan(job: Record<string, unknown>, options: LostAttemptOptions): LostAttemptPlan {
  const done = nonNegativeInt(job.lost_reruns) ?? 0;
  const cap = nonNegativeInt(job.max_lost_reruns) ?? options.maxLostReruns;
  const rerun = done < cap;
  const message = options.message ?? DEFAULT_LOST_MESSAGE;
  const startedAt = typeof job.started_at === 'string' ? Date.parse(job.started_at) : Number.NaN;
  return {
    rerun,
    lostReruns: rerun ? done + 1 : done,
    resultMessage: message,
    jobMessage: `${message}: the job lost its worker ${done + 1} times, more than the cap of ${cap} re-runs; not run again`,
    execTimeS: (now) => (Number.isNaN(startedAt) ? 0 : Math.max(0, (Date.parse(now) - startedAt) / 1000)),
  };
}

/** The message of an interrupted attempt's result when its report gives none. */
export const DEFAULT_INTERRUPTED_MESSAGE = 'interrupted: the worker was taken away';

/**
 * For an interrupted attempt (`interrupted` with status `terminated`), the same plan as for a
 * lost one: re-run while below the cap. Undefined for any other report. `job` is read only
 * when needed.
 */
export function interruptedAttemptPlan(
  r: { status: string; interrupted?: boolean; message?: string },
  job: () => Record<string, unknown>,
  options: { maxLostReruns?: number },
): LostAttemptPlan | undefined {
  if (r.interrupted !== true || r.status !== 'terminated') return undefined;
  return lostAttemptPlan(job(), {
    maxLostReruns: options.maxLostReruns ?? DEFAULT_MAX_LOST_RERUNS,
    message: r.message ?? DEFAULT_INTERRUPTED_MESSAGE,
  });
}
