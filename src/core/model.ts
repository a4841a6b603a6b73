/**
 * The workflow graph's data model, identical in every GraphStore adapter.
 *
 * Glossary
 * - workflow: the root document; every other document carries its key in `workflow`.
 * - vertex / edge / document collection: ArangoDB terms. Documents have `_key` and
 *   `_id` = `collection/_key`; edges also carry `_from` and `_to` (`_id`s).
 * - attempt: one run of a job. A job starts at attempt 1; a retry makes attempt + 1.
 *   One result per (job, attempt): the result's `_key` is `${job}-a${attempt}`.
 * - resource class: the (cpus, memory, gpus, nodes) a job needs, which picks its queue.
 */

export const VERTEX_COLLECTIONS = [
  'workflows',
  'jobs',
  'files',
  'user_data',
  'resource_requirements',
  'results',
  'schedulers',
  'compute_nodes',
] as const;
export type VertexCollection = (typeof VERTEX_COLLECTIONS)[number];

export const EDGE_COLLECTIONS = [
  'blocks',
  'needs',
  'produces',
  'consumes',
  'stores',
  'requires',
  'scheduled_by',
  'returned',
  'executed',
] as const;
export type EdgeCollection = (typeof EDGE_COLLECTIONS)[number];

/** Which vertex collections each edge collection joins: [from, to]. */
export const EDGE_ENDPOINTS: Record<EdgeCollection, readonly [VertexCollection, VertexCollection]> = {
  blocks: ['jobs', 'jobs'],
  needs: ['jobs', 'files'],
  produces: ['jobs', 'files'],
  consumes: ['jobs', 'user_data'],
  stores: ['jobs', 'user_data'],
  requires: ['jobs', 'resource_requirements'],
  scheduled_by: ['jobs', 'schedulers'],
  returned: ['jobs', 'results'],
  executed: ['compute_nodes', 'jobs'],
};

export const DOCUMENT_COLLECTIONS = ['events'] as const;

/** Collections whose documents belong to one workflow (everything but `workflows` and edges). */
export const WORKFLOW_COLLECTIONS = [
  'jobs',
  'files',
  'user_data',
  'resource_requirements',
  'results',
  'schedulers',
  'compute_nodes',
  'events',
] as const;
export type WorkflowCollection = (typeof WORKFLOW_COLLECTIONS)[number];

export const JOB_STATUSES = [
  'uninitialized',
  'blocked',
  'ready',
  'queued',
  'running',
  'completed',
  'failed',
  'canceled',
  'terminated',
  'disabled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** States a job never leaves on its own; a workflow is done when all its jobs are in one. */
export const FINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set([
  'completed',
  'failed',
  'canceled',
  'terminated',
  'disabled',
]);
/** Final states that count as a failure for dependents (`cancel_on_blocking_job_failure`). */
export const FAILED_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['failed', 'canceled', 'terminated']);

export const WORKFLOW_STATUSES = ['created', 'running', 'completed', 'failed', 'canceled'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Every stored document. Extra fields are kept as given (Direct mode accepts any JSON). */
export interface BaseDoc {
  _key: string;
  _id: string;
  [field: string]: unknown;
}

export interface EdgeDoc extends BaseDoc {
  _from: string;
  _to: string;
  workflow: string;
}

export interface WorkflowDoc extends BaseDoc {
  name: string;
  user?: string;
  description?: string;
  status: WorkflowStatus;
  created_at: string;
  started_at?: string;
  finished_at?: string;
}

export interface JobDoc extends BaseDoc {
  workflow: string;
  name: string;
  command: string;
  invocation_script?: string;
  status: JobStatus;
  /** Current attempt number, from 1. */
  attempt: number;
  /** Blockers not yet in a final state; set at start, decremented on each blocker's completion. */
  unfinished_blockers: number;
  cancel_on_blocking_job_failure: boolean;
  supports_termination: boolean;
  failure_handler?: string;
  /** Failure-handler retries used so far (absent: none); other re-runs (lost workers) do not count. */
  failure_retries?: number;
}

export interface FileDoc extends BaseDoc {
  workflow: string;
  name: string;
  path: string;
}

export interface UserDataDoc extends BaseDoc {
  workflow: string;
  name: string;
  data?: unknown;
}

export interface ResourceRequirementsDoc extends BaseDoc {
  workflow: string;
  name: string;
  num_cpus: number;
  /** As written by the user (`"2g"`); `memory_bytes` is authoritative. */
  memory: string;
  memory_bytes: number;
  num_gpus: number;
  num_nodes: number;
  /** As written by the user (`"PT1H"`); `runtime_s` is authoritative. */
  runtime: string;
  runtime_s: number;
}

export interface ResultDoc extends BaseDoc {
  workflow: string;
  job: string;
  attempt: number;
  status: JobStatus;
  return_code: number;
  exec_time_s: number;
  completion_time: string;
  compute_node: string;
  stdout_path?: string;
  stderr_path?: string;
  message?: string;
}

export interface ComputeNodeDoc extends BaseDoc {
  workflow: string;
  worker_id: string;
  hostname: string;
  pid: number;
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  started_at: string;
  is_active: boolean;
}

export interface EventDoc extends BaseDoc {
  workflow: string;
  timestamp: string;
  /** `system` for events the orchestrator posts, `user` for user-posted ones. */
  source: 'system' | 'user';
  type: string;
  [field: string]: unknown;
}

/** The resources one job needs; what picks its queue and what a worker's ledger reserves. */
export interface Resources {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  num_nodes: number;
  runtime_s: number;
}

/** Defaults for a job with no `requires` edge (and for omitted resource fields). */
export const DEFAULT_RESOURCES: Resources = {
  num_cpus: 1,
  memory_bytes: 1024 ** 3,
  num_gpus: 0,
  num_nodes: 1,
  runtime_s: 3600,
};

/**
 * A whole workflow as documents: what the spec builder produces, what `createWorkflow`
 * writes in one transaction, and what export/import moves between stores.
 * Every document carries its `_key`, `_id` and (but the workflow) `workflow`.
 */
export interface WorkflowBundle {
  workflow: WorkflowDoc;
  documents: Partial<Record<WorkflowCollection, BaseDoc[]>>;
  edges: Partial<Record<EdgeCollection, EdgeDoc[]>>;
}

export function docId(collection: string, key: string): string {
  return `${collection}/${key}`;
}

/** Split an `_id` into collection and key; undefined when it is not of the form `collection/key`. */
export function parseDocId(id: string): { collection: string; key: string } | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { collection: id.slice(0, slash), key: id.slice(slash + 1) };
}

export function isVertexCollection(name: string): name is VertexCollection {
  return (VERTEX_COLLECTIONS as readonly string[]).includes(name);
}
export function isEdgeCollection(name: string): name is EdgeCollection {
  return (EDGE_COLLECTIONS as readonly string[]).includes(name);
}
export function isWorkflowCollection(name: string): name is WorkflowCollection {
  return (WORKFLOW_COLLECTIONS as readonly string[]).includes(name);
}
