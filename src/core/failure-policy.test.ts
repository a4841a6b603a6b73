import { describe, expect, it } from 'vitest';
import { decideRetry, handlerOf, matchingRule, type FailureHandler } from './failure-policy.js';

const handler: FailureHandler = {
  name: 'h',
  rules: [
    { exit_codes: [2, 3], recovery_script: 'fix.sh', max_retries: 2 },
    { match_all_exit_codes: true, max_retries: 1 },
  ],
};

describe('failure policy', () => {
  it('picks the first rule naming the exit code, else a match-all rule', () => {
    expect(matchingRule(handler, 3)?.recovery_script).toBe('fix.sh');
    expect(matchingRule(handler, 9)?.max_retries).toBe(1);
    expect(matchingRule({ name: 'x', rules: [{ exit_codes: [1] }] }, 9)).toBeUndefined();
  });

  it('retries until the rule’s max_retries is spent', () => {
    expect(decideRetry(handler, { status: 'failed', return_code: 2, retries_used: 0 })).toMatchObject({
      retry: true,
      retry_number: 1,
    });
    expect(decideRetry(handler, { status: 'failed', return_code: 2, retries_used: 1 }).retry).toBe(true);
    expect(decideRetry(handler, { status: 'failed', return_code: 2, retries_used: 2 })).toMatchObject({
      retry: false,
      reason: 'retries_exhausted',
    });
  });

  it('defaults max_retries to 3', () => {
    const h: FailureHandler = { name: 'd', rules: [{ exit_codes: [1] }] };
    expect(decideRetry(h, { status: 'failed', return_code: 1, retries_used: 2 }).retry).toBe(true);
    expect(decideRetry(h, { status: 'failed', return_code: 1, retries_used: 3 }).retry).toBe(false);
  });

  it('never retries completed, terminated or canceled attempts, nor jobs without a handler', () => {
    expect(decideRetry(handler, { status: 'terminated', return_code: 143, retries_used: 0 }).retry).toBe(false);
    expect(decideRetry(handler, { status: 'canceled', return_code: 2, retries_used: 0 }).retry).toBe(false);
    expect(decideRetry(handler, { status: 'completed', return_code: 0, retries_used: 0 }).retry).toBe(false);
    expect(decideRetry(undefined, { status: 'failed', return_code: 2, retries_used: 0 })).toMatchObject({
      reason: 'no_handler',
    });
  });

  it('looks the job’s handler up on the workflow document', () => {
    const wf = { failure_handlers: [handler] };
    expect(handlerOf(wf, { failure_handler: 'h' })).toBe(handler);
    expect(handlerOf(wf, { failure_handler: 'other' })).toBeUndefined();
    expect(handlerOf(wf, {})).toBeUndefined();
    expect(handlerOf({}, { failure_handler: 'h' })).toBeUndefined();
  });
});
