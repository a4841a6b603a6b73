/**
 * What Direct mode (the document and edge routes: insertDocument, updateDocument,
 * deleteDocument, insertEdge) may do to a workflow, shared by every GraphStore adapter
 * (decision 0010). Pure: the adapter reads the workflow, the stored document and a small
 * view of the `blocks` graph inside its transaction, asks here, and writes only what these
 * rules allow — or the counter change they ask for — so no Direct-mode call can leave a
 * dependent waiting for ever, run a job early, or take a key the system will write.
 *
 * - Server-owned fields (a job's lifecycle, the provisioner's fields of allocations and
 *   actions, the watchdog's of compute nodes) are read-only: 422 naming the field.
 * - Keys of the shapes the system builds (core/keys.ts) are refused: 422 naming `_key`.
 * - Structural changes to a started workflow keep the counters right or are refused with
 *   409 `invalid_state` naming the rule (`rule` in the problem): see DIRECT_MODE_RULES.
 */
import { CycleError, InvalidStateError, ValidationError, type FieldIssue } from '../core/errors.js';
import { reservedKeyShape } from '../core/keys.js';
import { FINAL_JOB_STATUSES, type BaseDoc, type JobStatus, type WorkflowDoc } from '../core/model.js';

/** Fields the server owns, per collection, and who owns them (for messages). */
const SERVER_OWNED: Readonly<Record<string, { fields: readonly string[]; owner: string }>> = {
  jobs: {
    fields: [
      'status',
      'attempt',
      'unfinished_blockers',
      'queued_at',
      'started_at',
      'finished_at',
      'failure_retries',
      'lost_reruns',
      'canceled_from',
    ],
    owner: 'the job lifecycle (start, complete, cancel, restart)',
  },
  allocations: {
    fields: [
      'state',
      'provider_id',
      'reason',
      'submitted_at',
      'started_at',
      'ends_at',
      'ended_at',
      'node_names',
      'claimed_by',
      'cancel_requested_at',
      'cancel_reason',
    ],
    owner: 'the provisioner',
  },
  actions: { fields: ['claimed_at', 'claimed_by', 'outcome', 'finished_at'], owner: 'the provisioner' },
  compute_nodes: {
    fields: ['worker_id', 'is_active', 'lost_at', 'returned_at'],
    owner: 'the workers and the lost-worker watchdog',
  },
};

/** The server-owned fields of `collection` (none for most collections). */
export function serverOwnedFields(collection: string): readonly string[] {
  return SERVER_OWNED[collection]?.fields ?? [];
}

/** The values a new job may name in its lifecycle fields: the ones it gets anyway, or `disabled`. */
const NEW_JOB_VALUES: Readonly<Record<string, (value: unknown) => boolean>> = {
  status: (v) => v === 'uninitialized' || v === 'disabled',
  attempt: (v) => v === 1,
  unfinished_blockers: (v) => v === 0,
};

/** Stable names of the structural rules; a refusal names one in its message and as `rule`. */
export const DIRECT_MODE_RULES = {
  /** A job added after the start would never be initialized: it would stay `uninitialized` and keep the workflow open. */
  jobsBeforeStart: 'jobs-only-before-start',
  /** A job that is not final is counted by its dependents (and may be held by a worker). */
  deleteFinalJobsOnly: 'delete-final-jobs-only',
  /** A `blocks` edge cannot hold back a job that already started. */
  blocksBeforeDependentStarts: 'blocks-before-dependent-starts',
  /** The compute node of a running attempt is how the watchdog finds its worker. */
  keepRunningComputeNode: 'keep-compute-node-of-running-attempt',
  /** An allocation the provisioner still tracks holds compute until it ends. */
  keepLiveAllocation: 'keep-allocation-until-ended',
} as const;

function refuse(rule: string, message: string, details: Record<string, unknown>): never {
  throw new InvalidStateError(`${message} (rule ${rule})`, { rule, ...details });
}

const isStarted = (workflow: WorkflowDoc) => workflow.status !== 'created';

function ownedMessage(collection: string, field: string): string {
  if (collection === 'jobs' && field === 'status')
    return (
      'server-owned: Direct mode may only switch a job between uninitialized and disabled, before the workflow ' +
      'starts; use start, cancel and restart for the rest'
    );
  return `server-owned (${SERVER_OWNED[collection]!.owner}); Direct mode cannot set or change it`;
}

function keyIssue(collection: string, workflow: string, key: unknown): FieldIssue | undefined {
  if (typeof key !== 'string' || key === '') return undefined;
  const shape = reservedKeyShape(collection, workflow, key);
  if (shape === undefined) return undefined;
  return { path: '_key', message: `"${key}" has the shape of ${shape}, kept for the server; choose another` };
}

/**
 * A Direct-mode insert into `collection` of `workflow`.
 * @throws ValidationError naming `_key` (a reserved shape) and each server-owned field set;
 *   InvalidStateError (rule jobs-only-before-start) for a job added to a started workflow
 */
export function checkInsertDocument(collection: string, workflow: WorkflowDoc, body: Record<string, unknown>): void {
  const issues: FieldIssue[] = [];
  const key = keyIssue(collection, workflow._key, body._key);
  if (key) issues.push(key);
  for (const field of serverOwnedFields(collection)) {
    const value = body[field];
    if (value === undefined) continue;
    if (collection === 'jobs' && NEW_JOB_VALUES[field]?.(value)) continue;
    issues.push({ path: field, message: ownedMessage(collection, field) });
  }
  if (issues.length) throw new ValidationError(issues);
  if (collection === 'jobs' && isStarted(workflow))
    refuse(
      DIRECT_MODE_RULES.jobsBeforeStart,
      `workflow ${workflow._key} is ${workflow.status}: jobs can be added only before it starts`,
      { workflow: workflow._key, status: workflow.status },
    );
}

const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
const TOGGLE: ReadonlySet<unknown> = new Set(['uninitialized', 'disabled']);

/**
 * A Direct-mode patch of `stored`. A server-owned field may be sent back unchanged; a job
 * may be switched between `uninitialized` and `disabled` while its workflow is `created`.
 * @throws ValidationError naming each server-owned field the patch would change
 */
export function checkUpdateDocument(
  collection: string,
  workflow: WorkflowDoc,
  stored: BaseDoc,
  patch: Record<string, unknown>,
): void {
  const issues: FieldIssue[] = [];
  for (const field of serverOwnedFields(collection)) {
    const value = patch[field];
    if (value === undefined || sameValue(stored[field], value)) continue;
    const toggle = collection === 'jobs' && field === 'status' && !isStarted(workflow);
    if (toggle && TOGGLE.has(stored.status) && TOGGLE.has(value)) continue;
    issues.push({ path: field, message: ownedMessage(collection, field) });
  }
  if (issues.length) throw new ValidationError(issues);
}

/**
 * A Direct-mode delete of `stored`.
 * @param view.runsAttempt whether a compute node runs an attempt now (asked for compute nodes only)
 * @throws InvalidStateError naming the rule: a job of a started workflow that is not final,
 *   the compute node of a running attempt, an allocation that has not ended
 */
export function checkDeleteDocument(
  collection: string,
  workflow: WorkflowDoc,
  stored: BaseDoc,
  view: { runsAttempt(): boolean },
): void {
  const key = stored._key;
  if (collection === 'jobs' && isStarted(workflow) && !FINAL_JOB_STATUSES.has(stored.status as JobStatus))
    refuse(
      DIRECT_MODE_RULES.deleteFinalJobsOnly,
      `job ${key} is ${String(stored.status)}: a job of a started workflow can be deleted only once it is final ` +
        '(cancel it first); its dependents still count it',
      { job: key, status: stored.status },
    );
  if (collection === 'compute_nodes' && workflow.status === 'running' && view.runsAttempt())
    refuse(
      DIRECT_MODE_RULES.keepRunningComputeNode,
      `compute node ${key} runs an attempt: without it the lost-worker watchdog cannot find that attempt's worker`,
      { compute_node: key },
    );
  if (collection === 'allocations' && stored.state !== undefined && stored.state !== 'ended')
    refuse(
      DIRECT_MODE_RULES.keepLiveAllocation,
      `allocation ${key} is ${String(stored.state)}: the provisioner tracks it until it ends`,
      { allocation: key, state: stored.state },
    );
}

/** A Direct-mode edge insert: its key must not have a reserved shape. @throws ValidationError naming `_key` */
export function checkInsertEdge(collection: string, workflow: WorkflowDoc, body: Record<string, unknown>): void {
  const key = keyIssue(collection, workflow._key, body._key);
  if (key) throw new ValidationError([key]);
}

/** What a `blocks` edge insert reads of the graph (keys, not `_id`s), inside the adapter's transaction. */
export interface BlocksView {
  /** A job's state and name, undefined when it does not exist. */
  stateOf(job: string): { status: JobStatus; unfinished_blockers: number; name: string } | undefined;
  /** Keys of the jobs `job` blocks, one per `blocks` edge. */
  dependentsOf(job: string): readonly string[];
}

/** A dependent's new counter and status after a `blocks` edge insert. */
export interface CounterUpdate {
  job: string;
  status: JobStatus;
  unfinished_blockers: number;
}

/** The path `from` → … → `to` along `blocks` edges, or undefined. BFS, O(what is downstream of `from`). */
function pathBetween(from: string, to: string, dependentsOf: BlocksView['dependentsOf']): string[] | undefined {
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const job = queue[i]!;
    if (job === to) {
      const path = [];
      for (let at: string | null = job; at !== null; at = parent.get(at)!) path.push(at);
      return path.reverse();
    }
    for (const next of dependentsOf(job)) {
      if (parent.has(next)) continue;
      parent.set(next, job);
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * A `blocks` edge `blocker` → `dependent` added to a started workflow: what its counters
 * become. A created workflow gets its counters (and its cycle check) at start: nothing here.
 * A dependent waiting (`blocked`/`ready`) on a blocker that is not final counts one more
 * blocker and is `blocked`; a final or disabled blocker never reports, so it is not counted
 * (as restartJobs counts). A final or disabled dependent gets its count when restarted.
 * @returns the dependent's new state, or undefined when no counter changes
 * @throws CycleError naming the jobs when the edge closes a cycle; InvalidStateError (rule
 *   blocks-before-dependent-starts) when the dependent is queued or running
 */
export function planBlocksInsert(
  workflow: WorkflowDoc,
  blocker: string,
  dependent: string,
  view: BlocksView,
): CounterUpdate | undefined {
  if (!isStarted(workflow)) return undefined;
  const path = pathBetween(dependent, blocker, view.dependentsOf);
  if (path) throw new CycleError([blocker, ...path].map((job) => view.stateOf(job)?.name ?? job));
  const dep = view.stateOf(dependent)!;
  if (dep.status === 'queued' || dep.status === 'running')
    refuse(
      DIRECT_MODE_RULES.blocksBeforeDependentStarts,
      `job ${dependent} is ${dep.status}: a blocks edge cannot hold back a job that already started`,
      { job: dependent, status: dep.status },
    );
  if (dep.status !== 'blocked' && dep.status !== 'ready') return undefined;
  if (FINAL_JOB_STATUSES.has(view.stateOf(blocker)!.status)) return undefined;
  return { job: dependent, status: 'blocked', unfinished_blockers: dep.unfinished_blockers + 1 };
}
