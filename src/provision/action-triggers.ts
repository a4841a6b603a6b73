/**
 * When a torc workflow action is due (pure). torc's rules:
 * - `on_workflow_start`: once the workflow has started.
 * - `on_jobs_ready`: once every selected job has become ready — none is still waiting
 *   (`uninitialized`, `blocked`). A selected job that ended without being ready (canceled
 *   after a failed blocker, disabled) does not hold the action back for ever.
 * - `on_jobs_complete`: once every selected job is in a final state.
 * - `on_workflow_complete`: once the workflow finished (`completed` or `failed`; a canceled
 *   workflow does not complete).
 * Worker triggers (`on_worker_start`, `on_worker_complete`) belong to workers, never here.
 * An action fires once: the caller claims it in the graph before acting.
 */
import type { JobStatus, WorkflowStatus } from '../core/model.js';

export interface TriggerFacts {
  workflowStatus: WorkflowStatus;
  /** Counts per status of the action's selected jobs (job triggers only). */
  selectedCounts?: Partial<Record<JobStatus, number>>;
}

const STARTED: ReadonlySet<WorkflowStatus> = new Set(['running', 'completed', 'failed']);
const WAITING: readonly JobStatus[] = ['uninitialized', 'blocked'];
const NOT_FINAL: readonly JobStatus[] = ['uninitialized', 'blocked', 'ready', 'queued', 'running'];

/** Whether the trigger's condition holds; `undefined` for triggers this service does not run. */
export function isTriggered(trigger: string, facts: TriggerFacts): boolean | undefined {
  const none = (statuses: readonly JobStatus[]) =>
    facts.selectedCounts !== undefined && statuses.every((s) => (facts.selectedCounts![s] ?? 0) === 0);
  switch (trigger) {
    case 'on_workflow_start':
      return STARTED.has(facts.workflowStatus);
    case 'on_jobs_ready':
      return STARTED.has(facts.workflowStatus) && none(WAITING);
    case 'on_jobs_complete':
      return STARTED.has(facts.workflowStatus) && none(NOT_FINAL);
    case 'on_workflow_complete':
      return facts.workflowStatus === 'completed' || facts.workflowStatus === 'failed';
    default:
      return undefined;
  }
}

/** Whether the trigger needs the selected jobs' counts. */
export function isJobTrigger(trigger: string): boolean {
  return trigger === 'on_jobs_ready' || trigger === 'on_jobs_complete';
}
