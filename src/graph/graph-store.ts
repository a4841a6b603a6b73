import type {
  BaseDoc,
  EdgeCollection,
  EdgeDoc,
  EventDoc,
  JobDoc,
  JobStatus,
  Resources,
  WorkflowBundle,
  WorkflowCollection,
  WorkflowDoc,
  WorkflowStatus,
} from '../core/model.js';

/**
 * The graph store port. Speaks the domain; no driver type crosses it. Adapters
 * (`sqlite/`, `arango/`) map their driver's failures to the errors in core/errors.ts:
 * NotFoundError, ConflictError (duplicate key), ValidationError (bad edge endpoint),
 * InvalidStateError, CycleError.
 *
 * Every multi-document write is atomic (one transaction). Methods that take a batch
 * process it in one transaction and answer per item, in order.
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
   * workflow status `running` and `started_at`.
   * @throws InvalidStateError unless the workflow is `created`; CycleError naming the jobs.
   */
  initializeWorkflow(key: string): Promise<InitializeOutcome>;
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
   * is `queued` at that attempt. On success: the worker's compute node in that workflow is
   * created on first use (key `${workflow}-${worker.worker_id}`), an `executed` edge
   * compute_node→job is written, `started_at` set.
   */
  startAttempts(requests: StartRequest[]): Promise<StartOutcome[]>;
  /**
   * Record finished attempts. Per item, in one transaction for the batch: the result
   * document (key `resultKey(job, attempt)`) and `returned` edge; the job's status; each
   * dependent's `unfinished_blockers` decremented — a dependent reaching 0 becomes `ready`;
   * after a failed/terminated/canceled blocker a dependent with
   * `cancel_on_blocking_job_failure` becomes `canceled` instead (and so on downstream).
   * A repeat of an already recorded (job, attempt) answers `{ ok: true, duplicate: true }`
   * and changes nothing. A job not `running` at that attempt with no result is refused.
   */
  completeAttempts(requests: CompleteRequest[]): Promise<CompleteOutcome[]>;
  /** Counts of jobs per status (every status present, zeros included). @throws NotFoundError */
  statusCounts(workflow: string): Promise<Record<JobStatus, number>>;
  /**
   * When the workflow is `running` and no job is in a non-final state, set its final status
   * (`completed` if every job completed or is disabled, else `failed`) and `finished_at`,
   * and return it; otherwise undefined. Idempotent.
   */
  finishWorkflowIfDone(workflow: string): Promise<WorkflowDoc | undefined>;
  /** Workflows in a given status (the scheduler watches `running` ones). */
  listWorkflowKeys(status: WorkflowStatus): Promise<string[]>;
  /** Every non-disabled job with its resources, for feasibility checks before a run. */
  listJobResources(workflow: string): Promise<Array<{ job: string; name: string; resources: Resources }>>;
  /** Mark jobs failed with `message` (no result, no retry), propagating to dependents as completeAttempts does. */
  failJobs(workflow: string, jobs: string[], message: string): Promise<void>;

  // ── events ───────────────────────────────────────────────────────────────
  /** Append events (`timestamp` set when absent). */
  appendEvents(events: Array<Omit<EventDoc, '_key' | '_id' | 'timestamp'> & { timestamp?: string }>): Promise<void>;
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
}

export interface StartRequest {
  workflow: string;
  job: string;
  attempt: number;
  worker: WorkerIdentity;
}

export type StartOutcome =
  | { ok: true; job: JobDoc; compute_node: string }
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
  message?: string;
}

export type CompleteOutcome =
  | { ok: true; duplicate: boolean; result: string; newly_ready: number }
  | { ok: false; reason: string };
