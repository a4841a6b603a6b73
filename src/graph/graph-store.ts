import type {
  BaseDoc,
  EdgeCollection,
  EdgeDoc,
  EventDoc,
  GpuInfo,
  JobDoc,
  JobStatus,
  Resources,
  WorkflowBundle,
  WorkflowCollection,
  WorkflowDoc,
  WorkflowStatus,
} from '../core/model.js';
import type { ResourceUsage } from '../core/schemas/resource-usage.js';
import type { AccessGroup, TokenRecord } from '../core/access.js';

/**
 * The graph store port. Speaks the domain; no driver type crosses it. Adapters
 * (`sqlite/`, `arango/`) map their driver's failures to the errors in core/errors.ts:
 * NotFoundError, ConflictError (duplicate key), ValidationError (bad edge endpoint),
 * InvalidStateError, CycleError.
 *
 * Every multi-document write is atomic (one transaction). Methods that take a batch
 * process it in one transaction and answer per item, in order. Every lifecycle operation
 * records its own event (src/graph/system-events.ts) in the transaction of its change, so
 * an event exists exactly when its change does; callers add what only they know through
 * `EventFields` and never append a lifecycle event themselves.
 */
export interface GraphStore {
  /** Release connections / file handles. Idempotent. */
  close(): Promise<void>;

  // ── workflows ────────────────────────────────────────────────────────────
  /**
   * Write a whole workflow (workflow document, all documents and edges) in one
   * transaction, keys as given. Used for spec creation and for import.
   * @throws ConflictError when any `_key` already exists (nothing is written).
   */
  createWorkflow(bundle: WorkflowBundle): Promise<WorkflowDoc>;
  /** @throws NotFoundError */
  getWorkflow(key: string): Promise<WorkflowDoc>;
  listWorkflows(options?: ListOptions): Promise<Page<WorkflowDoc>>;
  /** Shallow-merge `patch` (system fields `_key`/`_id` ignored). @throws NotFoundError */
  updateWorkflow(key: string, patch: Partial<WorkflowDoc>): Promise<WorkflowDoc>;
  /** Delete the workflow and every document and edge that carries its key. @throws NotFoundError */
  deleteWorkflow(key: string): Promise<void>;
  /** Every document and edge of the workflow, keys preserved, in a stable order (by collection, then `_key`). */
  exportWorkflow(key: string): Promise<WorkflowBundle>;

  // ── Direct mode: documents and edges of one workflow ─────────────────────
  /**
   * Insert one document; `_key` generated when absent, `_id` and `workflow` set.
   * @throws NotFoundError (workflow), ConflictError (duplicate `_key`)
   */
  insertDocument(workflow: string, collection: WorkflowCollection, body: Record<string, unknown>): Promise<BaseDoc>;
  /** @throws NotFoundError when absent or belonging to another workflow */
  getDocument(workflow: string, collection: WorkflowCollection, key: string): Promise<BaseDoc>;
  /** Filters are equality on top-level fields (e.g. `{ status: 'ready' }`). Ordered by `_key`. */
  listDocuments(workflow: string, collection: WorkflowCollection, options?: ListOptions): Promise<Page<BaseDoc>>;
  /** Shallow-merge `patch`; `_key`, `_id`, `workflow` cannot change. @throws NotFoundError */
  updateDocument(
    workflow: string,
    collection: WorkflowCollection,
    key: string,
    patch: Record<string, unknown>,
  ): Promise<BaseDoc>;
  /** Delete a document and every edge that touches it. @throws NotFoundError */
  deleteDocument(workflow: string, collection: WorkflowCollection, key: string): Promise<void>;
  /**
   * Insert one edge. `_from`/`_to` must be `_id`s of existing documents of this workflow in
   * the collections EDGE_ENDPOINTS names.
   * @throws ValidationError naming `_from` or `_to`, NotFoundError (workflow), ConflictError
   */
  insertEdge(workflow: string, collection: EdgeCollection, body: Record<string, unknown>): Promise<EdgeDoc>;
  /** Filters as for listDocuments; `_from` / `_to` are valid filters. */
  listEdges(workflow: string, collection: EdgeCollection, options?: ListOptions): Promise<Page<EdgeDoc>>;

  // ── lifecycle ────────────────────────────────────────────────────────────
  /**
   * Start a workflow, in one transaction: derive `blocks` edges from produces→needs and
   * stores→consumes (no duplicates of existing ones), reject cycles, set each non-disabled
   * job's `unfinished_blockers` and status (`ready` when 0, else `blocked`), attempt 1,
   * workflow status `running` and `started_at` (and `options.set`), and a `workflow_started`
   * event {ready, blocked, derived_blocks}.
   * @throws InvalidStateError unless the workflow is `created`; CycleError naming the jobs.
   */
  initializeWorkflow(key: string, options?: InitializeOptions): Promise<InitializeOutcome>;
  /**
   * Atomically move up to `limit` `ready` jobs to `queued` (setting `queued_at`) and return
   * them with their resources (from the `requires` edge, else DEFAULT_RESOURCES).
   * Optionally only for one workflow. Oldest-ready first is not required; fairness across
   * workflows is not required.
   */
  claimReady(limit: number, workflow?: string): Promise<ClaimedJob[]>;
  /** `queued` jobs whose `queued_at` is older than `olderThan` (ISO time), for the reconcile. */
  listQueued(olderThan: string, limit: number): Promise<ClaimedJob[]>;
  /**
   * Move jobs queued → running for a worker. Per item: refused (`ok: false`) unless the job
   * is `queued` at that attempt — or already `running` at that attempt on this worker's
   * compute node: a repeat (the first answer was lost) is answered `ok` again with
   * `repeated: true`, the job document and input files, and writes nothing. On success: the worker's compute node in that workflow is
   * created on first use (key `computeNodeKey(workflow, worker.worker_id)`), an `executed` edge
   * compute_node→job is written, `started_at` set, and a `job_started` event appended in the
   * same transaction.
   */
  startAttempts(requests: StartRequest[]): Promise<StartOutcome[]>;
  /**
   * Record finished attempts. Per item, in one transaction for the batch: the result
   * document (key `resultKey(job, attempt)`) and `returned` edge; the job's status; each
   * dependent's `unfinished_blockers` decremented — a dependent reaching 0 becomes `ready`;
   * after a failed/terminated/canceled blocker a dependent with
   * `cancel_on_blocking_job_failure` becomes `canceled` instead (and so on downstream).
   * A repeat of an already recorded (job, attempt) answers `{ ok: true, duplicate: true }`
   * and changes nothing. A job not `running` at that attempt with no result is refused —
   * except the report of an attempt a cancellation caught running (see cancelJob).
   *
   * Failure handlers (core/failure-policy.ts decides): a `failed` attempt whose exit code
   * matches a rule of the job's `failure_handler`, with that rule's `max_retries` not yet
   * spent (counted in the job's `failure_retries`), keeps its result but sends the job back
   * to `ready` at attempt + 1 — dependents untouched — and answers `next_attempt`, with an
   * `attempt_retried` event. Every recorded attempt also gets its report event (`job_completed`,
   * `job_failed`, `job_terminated` with its `reason`, `attempt_failed` when retried,
   * `canceled_attempt_reported`, `attempt_interrupted`); duplicates get
   * none. A report of an attempt recorded lost (recordLostAttempts) is no duplicate — its
   * worker ran past its declared loss — and is refused with a `late_report_refused` event naming
   * the worker and the attempt. All these events are written in the same transaction.
   *
   * Interrupted attempts (`interrupted: true`, status `terminated`: the worker was taken
   * away — walltime, scancel, preemption, a Spot notice) are not the job's fault: the result
   * is recorded and the job goes back to `ready` as attempt + 1 with `lost_reruns` + 1, as
   * recordLostAttempts does (same cap: the job's `max_lost_reruns`, else
   * `options.maxLostReruns`, default 3), answering `next_attempt`; failure handlers are not
   * consulted. Cap hit: the job ends `terminated` and its dependents are treated as after a failure.
   */
  completeAttempts(requests: CompleteRequest[], options?: CompleteOptions): Promise<CompleteOutcome[]>;
  /**
   * Counts of jobs per status (every status present, zeros included); with `jobs`, only of
   * those jobs (keys not in the workflow are not counted). @throws NotFoundError
   */
  statusCounts(workflow: string, jobs?: readonly string[]): Promise<Record<JobStatus, number>>;
  /**
   * The work waiting for compute, for the scaling policy: jobs `blocked`, `ready`, `queued`
   * and `running`, counted per (scheduler named by their `scheduled_by` edge, resources),
   * with the resources resolved as for claimReady. O(unfinished jobs). @throws NotFoundError
   */
  schedulingDemand(workflow: string): Promise<DemandGroup[]>;
  /**
   * A small all-or-nothing change to the provisioning documents (schedulers, compute nodes,
   * allocations, actions): inserts, compare-and-set updates and their events, in one
   * transaction. When an update's `expect` does not hold (or its document is missing),
   * nothing is written and `{ ok: false }` names it — how an action is claimed once and an
   * allocation's state moves once, whatever runs twice.
   * @throws NotFoundError (workflow), ConflictError (an insert's `_key` exists),
   *   ValidationError (a collection that is not one of PROVISIONING_COLLECTIONS)
   */
  writeDocuments(workflow: string, write: DocumentWrite): Promise<DocumentWriteOutcome>;
  /**
   * When the workflow is `running` and no job is in a non-final state, set its final status
   * (`completed` if every job completed or is disabled, else `failed`) and `finished_at`,
   * record a `workflow_finished` event {status, finished_at}, and return it; otherwise
   * undefined. Idempotent: only the transition writes, so one event per finish.
   */
  finishWorkflowIfDone(workflow: string): Promise<WorkflowDoc | undefined>;
  /** Workflows in a given status (the scheduler watches `running` ones). */
  listWorkflowKeys(status: WorkflowStatus): Promise<string[]>;
  /** Every non-disabled job with its resources, for feasibility checks before a run. */
  listJobResources(workflow: string): Promise<Array<{ job: string; name: string; resources: Resources }>>;
  /** Mark jobs failed with `message` (no result, no retry), propagating to dependents as completeAttempts does. */
  failJobs(workflow: string, jobs: string[], message: string): Promise<void>;
  /**
   * Cancel a `created` or `running` workflow, in one transaction: every job not in a final
   * state becomes `canceled` (`finished_at`, `message`, and `canceled_from` = the status it
   * had), no propagation (every dependent is canceled too); the workflow becomes `canceled`
   * with `finished_at`; a `workflow_canceled` event {canceled, running, queued} counts them.
   * Returns the attempts that were `running` (their workers must terminate them) and
   * `queued` (their queue entries can go).
   * @throws NotFoundError; InvalidStateError when the workflow is already finished.
   */
  cancelWorkflow(key: string, message?: string): Promise<CancelOutcome>;
  /**
   * Cancel one job of a `running` workflow, in one transaction: it becomes `canceled` as
   * cancelWorkflow does for each job, and its dependents are treated as after a failed
   * blocker (completeAttempts' rule): with `cancel_on_blocking_job_failure` they are
   * canceled transitively, otherwise their counters drop and they may become `ready`.
   * Event `job_canceled` {job, attempt and was_running when it ran, dependents_canceled,
   * newly_ready}. A completion later reported for the attempt that was running is accepted by
   * completeAttempts: its result is recorded with status `canceled`, the job is not changed
   * again and nothing propagates a second time.
   * @throws NotFoundError (workflow or job); InvalidStateError when the workflow is not
   *   running or the job is already in a final state.
   */
  cancelJob(workflow: string, job: string, message?: string): Promise<CancelOutcome>;

  /**
   * Attempts `running` now with the worker running them (the compute node of the current
   * attempt's `executed` edge, key `executedEdgeKey(job, attempt)`), for the lost-worker watchdog.
   * Only jobs of `running` workflows; at most `limit`, in no particular order.
   */
  listRunningAttempts(limit: number): Promise<RunningAttempt[]>;
  /**
   * Attempts a cancellation caught `running` (job `canceled` with `canceled_from: running`,
   * current attempt) that have no result yet, with the worker that ran them, as
   * listRunningAttempts finds it. The lost-worker watchdog announces their cancellation again
   * while their worker lives (the `cancel` message may have been missed) and records them
   * when it is lost. Any workflow status; at most `limit`, in no particular order.
   */
  listCanceledAttempts(limit: number): Promise<RunningAttempt[]>;
  /**
   * Record attempts whose worker died. Per item, one transaction for the batch: skipped
   * (`recorded: false`) unless the job is `running` at that attempt with no result yet.
   * Otherwise a result (key `resultKey(job, attempt)`, status `failed`, `return_code` -1,
   * `lost: true`, `message`) and its `returned` edge are written, and the job either goes
   * back to `ready` as attempt + 1 with `lost_reruns` + 1 (while `lost_reruns` is below the
   * job's `max_lost_reruns`, else `options.maxLostReruns`) — failure handlers are not
   * consulted and their retries are not spent — or, cap hit, becomes `failed` with a message
   * saying so, its dependents treated as after a failure. An attempt a cancellation caught
   * running (see listCanceledAttempts) on that compute node, with no result, gets its result
   * with status `canceled` (`lost: true`, `return_code` -1) and nothing else changes: outcome
   * `canceled`. Each item's compute node gets
   * `is_active: false` and `lost_at`, and a `worker_lost` event {compute_node, jobs: [{job,
   * attempt, outcome, next_attempt?, lost_reruns}], ...options.event} per compute node with
   * a recorded attempt. With `options.workerAlive` (a live worker said it does not hold the
   * attempts: the heartbeat backstop) the compute node is left active and the event is
   * `attempt_not_held` instead, with the same fields.
   */
  recordLostAttempts(
    requests: LostAttemptRequest[],
    options: { maxLostReruns: number; message?: string; event?: EventFields; workerAlive?: boolean },
  ): Promise<LostAttemptOutcome[]>;

  /**
   * Restart jobs of a finished (`completed`/`failed`/`canceled`) or `running` workflow, in
   * one transaction (decision 0007). Each given job goes back to the start: attempt + 1
   * (earlier results are kept, one per attempt), `failure_retries` and `lost_reruns` 0,
   * `canceled_from`, `finished_at`, `started_at`, `message` removed; its `unfinished_blockers`
   * counts the blockers that are reset too or not in a final state (a blocker that finished
   * and is not reset does not count), and it becomes `ready` at 0, else `blocked`. Jobs not
   * given but waiting (non-final) downstream of a reset job get their counter recomputed
   * the same way (a `ready` one whose counter is no longer 0 goes back to `blocked`). The
   * workflow becomes `running` without `finished_at`, and a `workflow_restarted` event
   * {jobs, ready, reset, request_id?, ...options.event} records it. Duplicate keys count
   * once; an empty list changes nothing and records nothing. The caller wakes the scheduler.
   *
   * With `options.request_id`: when a `workflow_restarted` event of this workflow already
   * carries that id, nothing changes and its outcome is answered again with `repeated: true`
   * — a client's retry after a lost answer does not bump the attempts twice.
   * @throws NotFoundError (workflow, or a job not in it); InvalidStateError when the
   *   workflow is `created`, or a given job is `queued`, `running` or `disabled`.
   */
  restartJobs(workflow: string, jobKeys: string[], options?: RestartOptions): Promise<RestartOutcome>;

  // ── access: tokens and access groups (decision 0013) ─────────────────────
  /**
   * Store a token record (the secret's hash, never the secret).
   * @throws ConflictError when its `_key` or `hash` exists
   */
  createToken(token: TokenRecord): Promise<TokenRecord>;
  /** The token whose secret hashes to `hash`, revoked and expired ones included (the caller decides). */
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Tokens, oldest first; with `user`, only that user's. */
  listTokens(user?: string): Promise<TokenRecord[]>;
  /**
   * Mark a token revoked at `at`; revoking again keeps the first time.
   * @throws NotFoundError
   */
  revokeToken(key: string, at: string): Promise<TokenRecord>;
  /** @throws ConflictError when a group of that name exists */
  createAccessGroup(group: AccessGroup): Promise<AccessGroup>;
  /** @throws NotFoundError */
  getAccessGroup(name: string): Promise<AccessGroup>;
  /** Add `users` to a group's members (each once). @throws NotFoundError */
  addGroupMembers(name: string, users: string[]): Promise<AccessGroup>;
  /** Groups by name; with `member`, only those that user belongs to. */
  listAccessGroups(member?: string): Promise<AccessGroup[]>;

  // ── events ───────────────────────────────────────────────────────────────
  /** Append events (`timestamp` set when absent): user events, never a lifecycle change's own. */
  appendEvents(events: Array<Omit<EventDoc, '_key' | '_id' | 'timestamp'> & { timestamp?: string }>): Promise<void>;
  /**
   * Up to `limit` events of `workflow` whose `_key` sorts after `afterKey` (all when
   * undefined), oldest first: the cursor of the live event stream, which needs "what came
   * after the last one I sent", not an offset that shifts when events are deleted.
   * @throws NotFoundError for an unknown workflow
   */
  listEventsAfter(workflow: string, afterKey: string | undefined, limit: number): Promise<EventDoc[]>;
}

/**
 * Fields a caller adds to the event an operation records: what only the caller knows (a
 * restart's reasons, the heartbeat of a lost worker, `auto_scale`). The store's own fields
 * (type, workflow, source, timestamp and the outcome it reports) win over these.
 */
export type EventFields = Record<string, unknown>;

/** See GraphStore.initializeWorkflow. */
export interface InitializeOptions {
  /** Fields set on the workflow document with its start, e.g. `auto_scale`: the provisioner sees them with the first ready jobs. */
  set?: Record<string, unknown>;
  /** Extra fields of the `workflow_started` event. */
  event?: EventFields;
}

/** See GraphStore.restartJobs. */
export interface RestartOptions {
  /** The client's id of this request: a repeat changes nothing and answers the first outcome. */
  request_id?: string;
  /** Extra fields of the `workflow_restarted` event (the reasons). */
  event?: EventFields;
}

/** Collections `writeDocuments` may change: never jobs, results or workflows (their lifecycle has its own operations). */
export const PROVISIONING_COLLECTIONS = ['schedulers', 'compute_nodes', 'allocations', 'actions'] as const;
export type ProvisioningCollection = (typeof PROVISIONING_COLLECTIONS)[number];

/** See GraphStore.writeDocuments. */
export interface DocumentWrite {
  /** New documents; `_key` is required so that a repeated write conflicts instead of duplicating. */
  insert?: Array<{ collection: ProvisioningCollection; doc: Record<string, unknown> & { _key: string } }>;
  /**
   * Shallow-merge `patch` into a document when each field of `expect` equals the stored value
   * (`null` expects the field absent or null).
   */
  update?: Array<{
    collection: ProvisioningCollection;
    key: string;
    expect?: Record<string, string | number | boolean | null>;
    patch: Record<string, unknown>;
  }>;
  /** Events of this workflow, written with the change (`workflow`, `source: 'system'` and `timestamp` filled in). */
  events?: Array<{ type: string; timestamp?: string; [field: string]: unknown }>;
}

export type DocumentWriteOutcome =
  /** The inserted documents, then the updated ones, in the order given. */
  { ok: true; docs: BaseDoc[] } | { ok: false; reason: string };

/** One (scheduler, resources) group of unfinished jobs. */
export interface DemandGroup {
  /** `schedulers` key of the jobs' `scheduled_by` edge; absent for jobs without one. */
  scheduler?: string;
  resources: Resources;
  blocked: number;
  ready: number;
  queued: number;
  running: number;
}

export interface CompleteOptions {
  /** Cap on re-runs after interruptions when the job has no `max_lost_reruns`. @default 3 */
  maxLostReruns?: number;
}

export interface ListOptions {
  /** @default 0 */
  offset?: number;
  /** @default 100 (max 10,000) */
  limit?: number;
  filter?: Record<string, string | number | boolean>;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface InitializeOutcome {
  workflow: WorkflowDoc;
  ready: number;
  blocked: number;
  /** `blocks` edges added from file and user-data relations. */
  derived_blocks: number;
}

/** A job handed to the queues: enough to pick a queue and a BullMQ job id. */
export interface ClaimedJob {
  workflow: string;
  job: string;
  name: string;
  attempt: number;
  resources: Resources;
}

/** The worker a start belongs to; becomes a compute_nodes document per workflow. */
export interface WorkerIdentity {
  worker_id: string;
  hostname: string;
  pid: number;
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /** The allocation that started the worker (`allocations` key), when one did. */
  allocation?: string;
  /** The GPUs it offers, as detected. */
  gpus?: GpuInfo[];
}

export interface StartRequest {
  workflow: string;
  job: string;
  attempt: number;
  worker: WorkerIdentity;
}

export type StartOutcome =
  | {
      ok: true;
      job: JobDoc;
      compute_node: string;
      /** The files the job needs (its `needs` edges), for the worker's input fingerprint (decision 0007). */
      input_files?: Array<{ _key: string; path: string }>;
      /** Set when the attempt already ran on this worker's compute node: a repeat answered again, nothing written. */
      repeated?: boolean;
    }
  | { ok: false; reason: string };

export interface CompleteRequest {
  workflow: string;
  job: string;
  attempt: number;
  status: 'completed' | 'failed' | 'terminated' | 'canceled';
  return_code: number;
  exec_time_s: number;
  completion_time: string;
  /** compute_nodes `_key` returned by startAttempts. */
  compute_node: string;
  stdout_path?: string;
  stderr_path?: string;
  /** The end of the attempt's stdout / stderr, stored on the result as sent. */
  stdout_tail?: string;
  stderr_tail?: string;
  message?: string;
  /**
   * The worker vetoes a failure-handler retry (its recovery script failed). A worker can
   * only prevent a retry, never force one: the store decides with core/failure-policy.ts.
   */
  no_retry?: boolean;
  /**
   * What the worker saw when the attempt started: each input file's sha256 (or `missing`),
   * by file key. Stored on the result as `input_hashes` (decision 0007).
   */
  inputs?: { files: Record<string, string> };
  /**
   * With status `terminated`: the worker was taken away (walltime, scancel, preemption, Spot
   * notice), not the job's fault — the job runs again (see completeAttempts).
   */
  interrupted?: boolean;
  /** What the attempt was given and used; stored on the result unchanged. */
  resource_usage?: ResourceUsage;
}

/** What a cancellation changed: enough for the caller to clear queues and stop processes. */
export interface CancelOutcome {
  workflow: WorkflowDoc;
  /** Jobs that became `canceled`: the canceled job(s) first, then dependents canceled by propagation. */
  canceled: string[];
  /** Attempts that were `running`: their workers must terminate them. */
  running: Array<{ job: string; attempt: number }>;
  /** Attempts that were `queued`: their queue entries are stale now. */
  queued: Array<{ job: string; attempt: number }>;
  /** Dependents that became `ready` (cancelJob, dependents without `cancel_on_blocking_job_failure`). */
  newly_ready: number;
}

/** A running attempt and where it runs, for the lost-worker watchdog. */
export interface RunningAttempt {
  workflow: string;
  job: string;
  attempt: number;
  /** compute_nodes `_key`. */
  compute_node: string;
  /** The worker behind the compute node (its heartbeat names it). */
  worker_id: string;
  started_at?: string;
}

export interface LostAttemptRequest {
  workflow: string;
  job: string;
  attempt: number;
  compute_node: string;
}

export type LostAttemptOutcome =
  | { recorded: false; reason: string }
  | { recorded: true; result: string; outcome: 'requeued'; next_attempt: number; lost_reruns: number }
  | { recorded: true; result: string; outcome: 'failed'; lost_reruns: number; newly_ready: number }
  /** The attempt had been canceled while running: its result is recorded `canceled`, the job is unchanged. */
  | { recorded: true; result: string; outcome: 'canceled' };

/** What restartJobs did. */
export interface RestartOutcome {
  /** The jobs reset, in the order given (duplicates removed). */
  reset: string[];
  /** Of those, the ones that are `ready` now. */
  ready: number;
  /** Set when this answers an earlier request with the same `request_id`: nothing changed now. */
  repeated?: boolean;
}

export type CompleteOutcome =
  | {
      ok: true;
      duplicate: boolean;
      result: string;
      newly_ready: number;
      /** Set when a failure handler sent the job back to `ready` as this attempt (dependents untouched). */
      next_attempt?: number;
      /** Set when the job had been canceled while this attempt ran: the result is recorded as `canceled`, nothing else changed. */
      canceled?: boolean;
    }
  | { ok: false; reason: string };
