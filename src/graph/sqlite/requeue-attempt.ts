/**
 * Send a job back to `ready` as its next attempt after its worker went away (lost or
 * interrupted): not the job's fault, so `lost_reruns` counts it and failure retries do not.
 * Caller owns the transaction and has written the attempt's result.
 */
import type { SqliteContext } from './sqlite-context.js';

export function requeueNextAttempt(ctx: SqliteContext, job: string, lostReruns: number): void {
  ctx
    .stmt(
      `UPDATE jobs SET status = 'ready', attempt = attempt + 1, queued_at = NULL,
       doc = json_remove(json_set(doc, '$.status', 'ready', '$.attempt', attempt + 1, '$.lost_reruns', @n), '$.queued_at')
       WHERE _key = @job`,
    )
    .run({ n: lostReruns, job });
}
