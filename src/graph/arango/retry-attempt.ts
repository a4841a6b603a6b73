/**
 * The store's side of failure handlers on ArangoDB, mirroring sqlite/retry-attempt.ts:
 * core/failure-policy.ts decides whether a failed attempt sends its job back to `ready`
 * as attempt + 1. Runs inside completeAttempts' stream transaction.
 */
import { decideRetry, handlerOf } from '../../core/failure-policy.js';
import type { JobDoc, WorkflowDoc } from '../../core/model.js';
import type { CompleteRequest } from '../graph-store.js';
import type { QueryRunner } from './query-runner.js';

/** The retry to apply: the job's next attempt and its new handler-retry count. */
export interface PlannedRetry {
  next_attempt: number;
  failure_retries: number;
}

/** Whether `r` (already checked to be the job's running attempt) is retried; reads only. */
export async function planRetry(run: QueryRunner, r: CompleteRequest): Promise<PlannedRetry | undefined> {
  // Cheap exit first: most attempts succeed and need no document reads.
  if (r.status !== 'failed' || r.no_retry === true) return undefined;
  const found = await run.one<{ job: JobDoc | null; workflow: WorkflowDoc | null }>({
    query: 'RETURN { job: DOCUMENT(@job), workflow: DOCUMENT(@workflow) }',
    bindVars: { job: `jobs/${r.job}`, workflow: `workflows/${r.workflow}` },
  });
  const job = found?.job;
  if (!job || job.failure_handler === undefined) return undefined;
  const retries_used = typeof job.failure_retries === 'number' ? job.failure_retries : 0;
  const decision = decideRetry(handlerOf(found.workflow ?? undefined, job), {
    status: r.status,
    return_code: r.return_code,
    retries_used,
  });
  return decision.retry ? { next_attempt: r.attempt + 1, failure_retries: retries_used + 1 } : undefined;
}
