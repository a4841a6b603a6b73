/**
 * The job patch that sends a job back to `ready` as its next attempt after its worker went
 * away (lost or interrupted), mirroring sqlite/requeue-attempt.ts: `lost_reruns` counts it,
 * failure retries do not. Applied with `keepNull: false` (a null removes `queued_at`).
 */
export function requeuePatch(attempt: number, lostReruns: number): Record<string, unknown> {
  return { status: 'ready', attempt: attempt + 1, lost_reruns: lostReruns, queued_at: null };
}

/** The AQL step writing a patch to the job bound as `@job` (see insertResult's `then`). */
export const UPDATE_JOB_AQL = 'UPDATE { _key: @job } WITH @jobPatch IN jobs OPTIONS { keepNull: false }';
