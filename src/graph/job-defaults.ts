/**
 * Job lifecycle defaults and checks, shared by every adapter so that both store and
 * return equal job documents.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { JOB_STATUSES, type BaseDoc } from '../core/model.js';

const STATUSES: ReadonlySet<string> = new Set(JOB_STATUSES);

/**
 * Fill lifecycle defaults into `doc` (mutating it): status `uninitialized`, attempt 1,
 * unfinished_blockers 0, cancel_on_blocking_job_failure false (a failed blocker's
 * dependents still run unless they ask to be canceled), supports_termination false.
 * @param path field path prefix for messages, e.g. `documents.jobs[3]`
 * @throws ValidationError naming each bad field
 */
export function fillJobDefaults(doc: BaseDoc, path: string): void {
  if (doc.status === undefined) doc.status = 'uninitialized';
  if (doc.attempt === undefined) doc.attempt = 1;
  if (doc.unfinished_blockers === undefined) doc.unfinished_blockers = 0;
  if (doc.cancel_on_blocking_job_failure === undefined) doc.cancel_on_blocking_job_failure = false;
  if (doc.supports_termination === undefined) doc.supports_termination = false;
  const issues: FieldIssue[] = [];
  if (typeof doc.status !== 'string' || !STATUSES.has(doc.status)) {
    issues.push({ path: `${path}.status`, message: `must be one of ${JOB_STATUSES.join(', ')}` });
  }
  if (!Number.isInteger(doc.attempt) || (doc.attempt as number) < 1) {
    issues.push({ path: `${path}.attempt`, message: 'must be an integer >= 1' });
  }
  if (!Number.isInteger(doc.unfinished_blockers) || (doc.unfinished_blockers as number) < 0) {
    issues.push({ path: `${path}.unfinished_blockers`, message: 'must be an integer >= 0' });
  }
  if (typeof doc.cancel_on_blocking_job_failure !== 'boolean') {
    issues.push({ path: `${path}.cancel_on_blocking_job_failure`, message: 'must be true or false' });
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Whether a job is canceled (instead of run) after one of its blockers failed. */
export function cancelsOnBlockerFailure(job: Record<string, unknown>): boolean {
  return job.cancel_on_blocking_job_failure === true;
}
