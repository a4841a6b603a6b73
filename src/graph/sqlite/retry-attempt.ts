/**
 * The store's side of failure handlers (core/failure-policy.ts decides): a failed attempt
 * whose exit code a rule of the job's handler matches, with retries left, sends the job
 * back to `ready` as attempt + 1 — its dependents untouched — instead of finishing it.
 * Caller owns the transaction and has already written the attempt's result.
 */
import { decideRetry, handlerOf } from '../../core/failure-policy.js';
import type { JobDoc } from '../../core/model.js';
import { attemptRetriedEvent } from '../system-events.js';
import type { CompleteRequest } from '../graph-store.js';
import { appendEvents } from './append-events.js';
import { readJobDoc } from './job-state.js';
import type { SqliteContext } from './sqlite-context.js';
import { findWorkflow } from './workflow-rows.js';

/** @returns the next attempt when the job was sent back to `ready`, else undefined. */
export function retryFailedAttempt(ctx: SqliteContext, r: CompleteRequest): number | undefined {
  // Cheap exit first: most attempts succeed and need no document reads.
  if (r.status !== 'failed' || r.no_retry === true) return undefined;
  const job = readJobDoc(ctx, r.job) as JobDoc;
  if (job.failure_handler === undefined) return undefined;
  const retries_used = typeof job.failure_retries === 'number' ? job.failure_retries : 0;
  const decision = decideRetry(handlerOf(findWorkflow(ctx, r.workflow), job), {
    status: r.status,
    return_code: r.return_code,
    retries_used,
  });
  if (!decision.retry) return undefined;
  const next = r.attempt + 1;
  ctx
    .stmt(
      `UPDATE jobs SET status = 'ready', attempt = @next,
       doc = json_set(doc, '$.status', 'ready', '$.attempt', @next, '$.failure_retries', @retries)
       WHERE _key = @job`,
    )
    .run({ next, retries: retries_used + 1, job: r.job });
  appendEvents(ctx, [attemptRetriedEvent(r, next, new Date().toISOString())]);
  return next;
}
