/**
 * Failure handlers: whether a failed attempt is retried. ONE pure function shared by the
 * store (which decides authoritatively inside `completeAttempts`, so a buggy worker can
 * never make a job loop) and the worker (which only needs to know whether to run the
 * rule's recovery script before it reports the failure).
 *
 * Semantics (spec `failure_handlers[].rules[]`):
 * - only a `failed` attempt with a non-zero exit code is considered: `terminated` (runtime
 *   limit, cancellation) and `canceled` attempts are never retried by a handler;
 * - the first rule, in spec order, whose `exit_codes` contains the code — or that has
 *   `match_all_exit_codes` — is the one that applies; no match means no retry;
 * - that rule's `max_retries` (default 3) bounds the job's handler retries so far
 *   (`JobDoc.failure_retries`, counted over every rule of the job): retries < max → retry.
 * Retries for other reasons (a lost worker) are counted elsewhere and consume none of these.
 */
import type { JobDoc } from './model.js';

/** One rule of a failure handler, defaults applied (as the spec stores it). */
export interface FailureRule {
  exit_codes?: number[];
  match_all_exit_codes?: boolean;
  recovery_script?: string;
  max_retries?: number;
}

/** A named failure handler as stored on the workflow document (`failure_handlers`). */
export interface FailureHandler {
  name: string;
  rules: FailureRule[];
}

/** @default max_retries when a rule omits it. */
export const DEFAULT_MAX_RETRIES = 3;

/** What happened to the attempt, and what the job has used so far. */
export interface FailedAttempt {
  status: string;
  return_code: number;
  /** Handler retries the job has had already (`JobDoc.failure_retries`, 0 when absent). */
  retries_used: number;
}

export type RetryDecision =
  | { retry: false; reason: 'not_failed' | 'no_handler' | 'no_matching_rule' | 'retries_exhausted'; rule?: FailureRule }
  | { retry: true; rule: FailureRule; /** 1-based count of this retry. */ retry_number: number };

/** The first rule of `handler` that matches `return_code`, if any. */
export function matchingRule(handler: FailureHandler | undefined, return_code: number): FailureRule | undefined {
  return handler?.rules.find((r) => r.match_all_exit_codes === true || (r.exit_codes ?? []).includes(return_code));
}

/** Whether `attempt` is retried under `handler` (undefined: the job names none, or it is missing). */
export function decideRetry(handler: FailureHandler | undefined, attempt: FailedAttempt): RetryDecision {
  if (attempt.status !== 'failed' || attempt.return_code === 0) return { retry: false, reason: 'not_failed' };
  if (!handler) return { retry: false, reason: 'no_handler' };
  const rule = matchingRule(handler, attempt.return_code);
  if (!rule) return { retry: false, reason: 'no_matching_rule' };
  if (attempt.retries_used >= (rule.max_retries ?? DEFAULT_MAX_RETRIES))
    return { retry: false, reason: 'retries_exhausted', rule };
  return { retry: true, rule, retry_number: attempt.retries_used + 1 };
}

/** The handler a job names, looked up in the workflow document; undefined when none. */
export function handlerOf(
  workflow: { readonly [field: string]: unknown } | undefined,
  job: Pick<JobDoc, 'failure_handler'>,
): FailureHandler | undefined {
  if (job.failure_handler === undefined) return undefined;
  const handlers = workflow?.failure_handlers;
  if (!Array.isArray(handlers)) return undefined;
  return (handlers as FailureHandler[]).find((h) => h.name === job.failure_handler);
}
