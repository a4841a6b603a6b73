/**
 * The events the store records itself, each inside the transaction of the state change it
 * reports, so an event exists exactly when its change does (a crash between the two, or a
 * failed event write after a committed change, is no longer possible). Built here once for
 * every adapter; callers add what only they know through `EventFields`, and the store's own
 * fields win over theirs.
 */
import { workerIdOfComputeNode } from '../core/keys.js';
import type { EventDoc, WorkflowDoc } from '../core/model.js';
import type {
  CancelOutcome,
  CompleteOutcome,
  CompleteRequest,
  EventFields,
  InitializeOutcome,
  LostAttemptOutcome,
  LostAttemptRequest,
  RestartOutcome,
  StartRequest,
} from './graph-store.js';

export type NewSystemEvent = Omit<EventDoc, '_key' | '_id'>;

function systemEvent(workflow: string, type: string, now: string, fields: EventFields): NewSystemEvent {
  return { ...fields, workflow, timestamp: now, source: 'system', type };
}

/** `workflow_started`: initializeWorkflow made the first jobs ready. */
export function workflowStartedEvent(outcome: InitializeOutcome, extra: EventFields = {}, now: string): NewSystemEvent {
  return systemEvent(outcome.workflow._key, 'workflow_started', now, {
    ...extra,
    ready: outcome.ready,
    blocked: outcome.blocked,
    derived_blocks: outcome.derived_blocks,
  });
}

/** `workflow_finished`: no job is left in a non-final state; `status` is the workflow's final one. */
export function workflowFinishedEvent(workflow: WorkflowDoc, now: string): NewSystemEvent {
  return systemEvent(workflow._key, 'workflow_finished', now, {
    status: workflow.status,
    finished_at: workflow.finished_at,
  });
}

/** `workflow_canceled`: how many jobs were canceled, and of those how many were running or queued. */
export function workflowCanceledEvent(outcome: CancelOutcome, now: string): NewSystemEvent {
  return systemEvent(outcome.workflow._key, 'workflow_canceled', now, {
    canceled: outcome.canceled.length,
    running: outcome.running.length,
    queued: outcome.queued.length,
  });
}

/** `job_canceled`: one job (its running attempt, if any) and the dependents canceled with it. */
export function jobCanceledEvent(job: string, outcome: CancelOutcome, now: string): NewSystemEvent {
  const [, ...dependents] = outcome.canceled;
  return systemEvent(outcome.workflow._key, 'job_canceled', now, {
    job,
    ...(outcome.running[0] && { attempt: outcome.running[0].attempt, was_running: true }),
    dependents_canceled: dependents,
    newly_ready: outcome.newly_ready,
  });
}

/**
 * `workflow_restarted`: the jobs reset (their keys: a repeat of the same `request_id` answers
 * them again) and how many became ready.
 */
export function workflowRestartedEvent(
  workflow: string,
  outcome: RestartOutcome,
  options: { request_id?: string; event?: EventFields },
  now: string,
): NewSystemEvent {
  return systemEvent(workflow, 'workflow_restarted', now, {
    ...options.event,
    jobs: outcome.reset.length,
    ready: outcome.ready,
    reset: outcome.reset,
    ...(options.request_id !== undefined && { request_id: options.request_id }),
  });
}

/** The first outcome of a restart request, read back from its `workflow_restarted` event. */
export function restartOutcomeOf(event: Record<string, unknown>): RestartOutcome {
  return {
    reset: Array.isArray(event.reset) ? (event.reset as string[]) : [],
    ready: typeof event.ready === 'number' ? event.ready : 0,
    repeated: true,
  };
}

/**
 * `worker_lost` (or, for a live worker that does not hold them, `attempt_not_held`), one per
 * compute node whose attempts were recorded lost: each attempt with what became of it
 * (`requeued` as `next_attempt`, `failed` at the cap, or `canceled` when a cancellation had
 * caught it running).
 */
export function workerLostEvents(
  requests: readonly LostAttemptRequest[],
  outcomes: readonly LostAttemptOutcome[],
  options: { event?: EventFields; workerAlive?: boolean },
  now: string,
): NewSystemEvent[] {
  // A dead worker's attempts, or those a live worker does not hold.
  const type = options.workerAlive ? 'attempt_not_held' : 'worker_lost';
  const byNode = new Map<string, { workflow: string; compute_node: string; jobs: Array<Record<string, unknown>> }>();
  requests.forEach((r, i) => {
    const outcome = outcomes[i]!;
    if (!outcome.recorded) return;
    const id = `${r.workflow}\u0000${r.compute_node}`;
    let group = byNode.get(id);
    if (!group) byNode.set(id, (group = { workflow: r.workflow, compute_node: r.compute_node, jobs: [] }));
    group.jobs.push({
      job: r.job,
      attempt: r.attempt,
      outcome: outcome.outcome,
      ...(outcome.outcome === 'requeued' && { next_attempt: outcome.next_attempt }),
      ...(outcome.outcome !== 'canceled' && { lost_reruns: outcome.lost_reruns }),
    });
  });
  return [...byNode.values()].map((g) =>
    systemEvent(g.workflow, type, now, { ...options.event, compute_node: g.compute_node, jobs: g.jobs }),
  );
}

/** `attempt_retried`: a failure handler sent the job back to `ready` as `next_attempt`. */
export function attemptRetriedEvent(r: CompleteRequest, next_attempt: number, now: string): NewSystemEvent {
  return systemEvent(r.workflow, 'attempt_retried', now, {
    job: r.job,
    attempt: r.attempt,
    return_code: r.return_code,
    next_attempt,
  });
}

/** `job_started`: the attempt runs on `compute_node` (written with the start, so neither exists without the other). */
export function jobStartedEvent(r: StartRequest, compute_node: string, now: string): NewSystemEvent {
  return systemEvent(r.workflow, 'job_started', now, {
    job: r.job,
    attempt: r.attempt,
    compute_node,
    worker_id: r.worker.worker_id,
  });
}

/**
 * The event of a recorded report: `job_completed`, `job_failed` (its end),
 * `job_terminated` (the worker ended it; `reason` says why), `attempt_failed` (a failure
 * handler retries it), `attempt_interrupted` (its worker was taken away; it runs again as
 * `next_attempt`), or `canceled_attempt_reported`
 * (its job was canceled while it ran). Duplicates and refusals changed nothing: no event.
 */
export function attemptReportedEvent(
  r: CompleteRequest,
  outcome: CompleteOutcome,
  now: string,
): NewSystemEvent | undefined {
  if (!outcome.ok || outcome.duplicate) return undefined;
  const type = outcome.canceled
    ? 'canceled_attempt_reported'
    : r.interrupted === true && outcome.next_attempt !== undefined
      ? 'attempt_interrupted'
      : r.status === 'completed'
        ? 'job_completed'
        : r.status === 'terminated'
          ? 'job_terminated'
          : outcome.next_attempt !== undefined
            ? 'attempt_failed'
            : 'job_failed';
  return systemEvent(r.workflow, type, now, {
    ...(outcome.canceled && { reported_status: r.status }),
    // Why the worker ended it: runtime limit, cancellation, its own stop.
    ...((type === 'job_terminated' || type === 'attempt_interrupted') && {
      reason: r.message ?? 'terminated by the worker',
    }),
    ...(outcome.next_attempt !== undefined && { next_attempt: outcome.next_attempt }),
    job: r.job,
    attempt: r.attempt,
    status: outcome.canceled ? 'canceled' : r.status,
    return_code: r.return_code,
    compute_node: r.compute_node,
    result: outcome.result,
  });
}

/**
 * `late_report_refused`: a worker reported an attempt that had already been recorded lost (its
 * worker was declared lost and the job re-run or failed): the report changed nothing. It names
 * the worker and the attempt, so a partition that let an attempt run on past its worker's
 * declared loss is visible in the graph (issue 9, item 4).
 */
export function lateReportRefusedEvent(r: CompleteRequest, reason: string, now: string): NewSystemEvent {
  const worker_id = workerIdOfComputeNode(r.workflow, r.compute_node);
  return systemEvent(r.workflow, 'late_report_refused', now, {
    job: r.job,
    attempt: r.attempt,
    compute_node: r.compute_node,
    ...(worker_id !== undefined && { worker_id }),
    reported_status: r.status,
    return_code: r.return_code,
    ...(r.message !== undefined && { reported_message: r.message }),
    reason,
  });
}

/**
 * `worker_registered`, as a `writeDocuments` event (workflow, source and timestamp are filled
 * in there): written with the worker's compute node, so neither exists without the other.
 * Fields beyond the named ones (what the worker says about its instance) ride along.
 */
export function workerRegisteredEvent(
  fields: { worker_id: string; hostname: string; allocation?: string; timestamp: string } & EventFields,
): { type: string; [field: string]: unknown } {
  const { worker_id, hostname, allocation, timestamp, ...extra } = fields;
  return {
    ...extra,
    type: 'worker_registered',
    worker_id,
    hostname,
    ...(allocation !== undefined && { allocation }),
    timestamp,
  };
}

/**
 * `counter_drift`: `job` still waited for (or had already been released from) its blockers'
 * count when `blocker` finished, its counter already 0 — a blocker was not counted or was
 * counted twice (src/graph/propagate-finished.ts). Recorded with the finish that found it.
 */
export function counterDriftEvents(
  workflow: string,
  drift: ReadonlyArray<{ job: string; blocker: string; status: string }>,
  now: string,
): NewSystemEvent[] {
  return drift.map((d) =>
    systemEvent(workflow, 'counter_drift', now, {
      job: d.job,
      blocker: d.blocker,
      status: d.status,
      message: `job ${d.job} (${d.status}) had no unfinished blocker left to count when ${d.blocker} finished`,
    }),
  );
}

/**
 * `worker_inactive`, as a `writeDocuments` event: the heartbeat of a worker with nothing
 * running on this compute node stayed missing, so it died or stopped while idle; the node is
 * no longer active (a worker that dies running jobs gets `worker_lost` instead).
 */
export function workerInactiveEvent(fields: {
  worker_id: string;
  compute_node: string;
  heartbeat_missing_since: string;
  timestamp: string;
}): { type: string; [field: string]: unknown } {
  return { ...fields, type: 'worker_inactive' };
}

/**
 * `worker_returned`, as a `writeDocuments` event: the heartbeat of a worker whose compute
 * node was marked inactive (declared lost, or gone while idle) is back — it was cut off, not
 * dead — so the node is active again. Attempts already recorded lost stay so.
 */
export function workerReturnedEvent(fields: {
  worker_id: string;
  compute_node: string;
  inactive_since?: string;
  timestamp: string;
}): { type: string; [field: string]: unknown } {
  return { ...fields, type: 'worker_returned' };
}
