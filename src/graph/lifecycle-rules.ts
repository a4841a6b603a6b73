/**
 * When a workflow-level lifecycle operation is allowed, shared by every GraphStore adapter:
 * initializeWorkflow, cancelWorkflow, cancelJob and restartJobs check the state they read
 * in their transaction here, so both adapters refuse the same things in the same words.
 * Pure; each check throws InvalidStateError (409 `invalid_state`) naming what is wrong.
 */
import { InvalidStateError } from '../core/errors.js';
import { FINAL_JOB_STATUSES, type JobStatus, type WorkflowDoc } from '../core/model.js';

/** Only a `created` workflow starts. */
export function checkInitialize(workflow: WorkflowDoc): void {
  if (workflow.status !== 'created')
    throw new InvalidStateError(
      `workflow ${workflow._key} is ${workflow.status}; only a created workflow can be initialized`,
      { workflow: workflow._key, status: workflow.status },
    );
}

/**
 * The workflow document as it starts: `set` (e.g. `auto_scale`) merged in, then the
 * lifecycle fields, which `set` cannot override.
 */
export function startedWorkflow(workflow: WorkflowDoc, set: Record<string, unknown> = {}, now: string): WorkflowDoc {
  return { ...workflow, ...set, _key: workflow._key, _id: workflow._id, status: 'running', started_at: now };
}

/** Only a `created` or `running` workflow can be canceled. */
export function checkCancelWorkflow(workflow: WorkflowDoc): void {
  if (workflow.status !== 'running' && workflow.status !== 'created')
    throw new InvalidStateError(
      `workflow ${workflow._key} is ${workflow.status}; only a created or running workflow can be canceled`,
      { workflow: workflow._key, status: workflow.status },
    );
}

/** One job is canceled only while its workflow runs, and only before it reached a final state. */
export function checkCancelJob(workflow: WorkflowDoc, job: string, status: JobStatus): void {
  if (workflow.status !== 'running')
    throw new InvalidStateError(
      `workflow ${workflow._key} is ${workflow.status}; jobs can be canceled only while it runs`,
      { workflow: workflow._key, status: workflow.status },
    );
  if (FINAL_JOB_STATUSES.has(status)) throw new InvalidStateError(`job ${job} is already ${status}`, { job, status });
}

const RESTARTABLE_WORKFLOW: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled', 'running']);
const NOT_RESETTABLE: ReadonlySet<JobStatus> = new Set(['queued', 'running', 'disabled']);

/** Only a started workflow (running or finished) is restarted (decision 0007). */
export function checkRestart(workflow: WorkflowDoc): void {
  if (!RESTARTABLE_WORKFLOW.has(workflow.status))
    throw new InvalidStateError(
      `workflow ${workflow._key} is ${workflow.status}; only a started workflow can be restarted`,
      { workflow: workflow._key, status: workflow.status },
    );
}

/** A job in flight (queued, running) or disabled is not reset. */
export function checkResettable(job: string, status: JobStatus): void {
  if (NOT_RESETTABLE.has(status))
    throw new InvalidStateError(`job ${job} is ${status}; a queued, running or disabled job cannot be restarted`, {
      job,
      status,
    });
}
