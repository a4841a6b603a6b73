/**
 * The workflow graph's data model, identical in every GraphStore adapter.
 *
 * Glossary
 * - workflow: the root document; every other document carries its key in `workflow`.
 * - vertex / edge / document collection: ArangoDB terms. Documents have `_key` and
 *   `_id` = `collection/_key`; edges also carry `_from` and `_to` (`_id`s).
 * - attempt: one run of a job. A job starts at attempt 1; a retry makes attempt + 1.
 *   One result per (job, attempt): the result's `_key` is `${job}-a${attempt}`.
 * - resource class: the (cpus, memory, gpus, nodes, runtime) a job needs, which picks its queue.
 * - scheduler: a way to get compute (a Slurm account/partition, an EC2 fleet, local
 *   processes); a job's `scheduled_by` edge names the one it should run on.
 * - allocation: one request to a scheduler's provider for compute (a Slurm job, a set of EC2
 *   instances, local worker processes), recorded from submission to its end. The workers it
 *   starts are compute nodes whose `allocation` field names it.
 * - action: a torc-style trigger (`on_workflow_start`, `on_jobs_ready`, …) with what to do
 *   (`schedule_nodes`, `run_commands`); it fires once, claimed in the graph.
 */

import type { ResourceUsage } from './schemas/resource-usage.js';

export const VERTEX_COLLECTIONS = [
  'workflows',
  'jobs',
  'files',
  'user_data',
  'resource_requirements',
  'results',
  'schedulers',
  'compute_nodes',
  'allocations',
  'actions',
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
  'allocations',
  'actions',
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
/** Every status but the final ones: a workflow with a job in one of these is not done. */
export const NON_FINAL_JOB_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((s) => !FINAL_JOB_STATUSES.has(s));
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
  /** The end of the attempt's stdout / stderr as its worker sent it (src/worker/log-tail.ts). */
  stdout_tail?: string;
  stderr_tail?: string;
  message?: string;
  /** GPUs given, memory and CPU used (core/schemas/resource-usage.ts). */
  resource_usage?: ResourceUsage;
}

/** One GPU of a compute node. */
export interface GpuInfo {
  /** The id a job's `CUDA_VISIBLE_DEVICES` names it by. */
  id: string;
  vendor: 'nvidia' | 'amd';
  uuid?: string;
  name?: string;
  memory_bytes?: number;
}

export interface ComputeNodeDoc extends BaseDoc {
  workflow: string;
  worker_id: string;
  hostname: string;
  pid: number;
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /** The GPUs the worker offered, with their models and memory, when detected. */
  gpus?: GpuInfo[];
  started_at: string;
  is_active: boolean;
  /** The allocation that started this worker (`allocations` key), when one did. */
  allocation?: string;
  /** Cloud workers (`worker start --imds`): the instance, its type, zone and market (`spot`, `on-demand`). */
  instance_id?: string;
  instance_type?: string;
  zone?: string;
  market?: string;
}

export const SCHEDULER_TYPES = ['local', 'slurm', 'aws'] as const;
export type SchedulerType = (typeof SCHEDULER_TYPES)[number];

/**
 * A way to get compute. Provider-specific settings are kept as the user wrote them (torc's
 * `slurm_schedulers` fields: account, partition, qos, mem, gres, ntasks_per_node, tmp, extra;
 * `aws_schedulers` fields) beside the normalized fields below, which every provider reads.
 */
export interface SchedulerDoc extends BaseDoc {
  workflow: string;
  name: string;
  type: SchedulerType;
  /** Nodes per allocation. @default 1 */
  nodes: number;
  /** Wall time of one allocation in seconds (from `walltime`, e.g. `"04:00:00"`); absent: no limit (local). */
  walltime_s?: number;
  /** Most allocations of this scheduler alive at once (auto-scaling). */
  max_allocations?: number;
  /** slurm: the workflow's `slurm_defaults` (any sbatch long option); the scheduler's own fields win. */
  sbatch_defaults?: Record<string, string | number | boolean>;
}

/**
 * `requested`: asked for by a person (`jobgraph slurm submit`), waiting for a provisioner to
 * submit it; `submitting`: a provisioner is calling the provider; `pending`: the provider
 * holds it (Slurm's queue); `running`: its nodes are up; `ended`: with a reason.
 */
export const ALLOCATION_STATES = ['requested', 'submitting', 'pending', 'running', 'ended'] as const;
export type AllocationState = (typeof ALLOCATION_STATES)[number];
/** Why an allocation ended. `failed`: it never ran (submission refused) or its script failed. */
export const ALLOCATION_END_REASONS = [
  'finished',
  'walltime',
  'canceled',
  'node_failure',
  'preempted',
  'failed',
  'unknown',
] as const;
export type AllocationEndReason = (typeof ALLOCATION_END_REASONS)[number];

/** One request for compute, from submission to its end (decision 0008). */
export interface AllocationDoc extends BaseDoc {
  workflow: string;
  /** `schedulers` key. */
  scheduler: string;
  scheduler_name: string;
  provider: SchedulerType;
  /** The provider's id (Slurm job id, EC2 instance/fleet id, local pid); absent until submitted. */
  provider_id?: string;
  state: AllocationState;
  reason?: AllocationEndReason;
  message?: string;
  nodes: number;
  /** Host names of the allocated nodes, once known. */
  node_names?: string[];
  walltime_s?: number;
  /** What asked for it. */
  trigger: 'action' | 'auto_scale' | 'manual';
  /** `actions` key when an action asked for it. */
  action?: string;
  submitted_at: string;
  started_at?: string;
  /** When the provider will take it back (start + walltime), once running. */
  ends_at?: string;
  ended_at?: string;
  /** Provider details worth keeping (script and output paths, instance type, market, price per hour). */
  details?: Record<string, unknown>;
  /** The interrupted allocation this one was submitted to replace (a Spot interruption, a preemption). */
  replaces?: string;
  /** Capacity pools the request stayed out of (recent interruptions there). */
  avoid?: Array<{ instance_type?: string; zone?: string }>;
}

export const ACTION_TRIGGERS = [
  'on_workflow_start',
  'on_jobs_ready',
  'on_jobs_complete',
  'on_workflow_complete',
] as const;
export type ActionTrigger = (typeof ACTION_TRIGGERS)[number];
export const ACTION_TYPES = ['schedule_nodes', 'run_commands'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** A torc workflow action. `job_keys` are the jobs its `jobs` / `job_name_regexes` selected when the spec was built. */
export interface ActionDoc extends BaseDoc {
  workflow: string;
  trigger_type: ActionTrigger;
  action_type: ActionType;
  /** Job triggers: the selected jobs (keys). */
  job_keys?: string[];
  /** schedule_nodes: the scheduler's `schedulers` key and type. */
  scheduler?: string;
  scheduler_type?: SchedulerType;
  num_allocations?: number;
  start_one_worker_per_node?: boolean;
  max_parallel_jobs?: number;
  /** run_commands: run in order in a shell; the first failure stops the rest. */
  commands?: string[];
  /** torc: worker triggers fire once per worker (stored; worker triggers are not run yet). */
  persistent?: boolean;
  /** Set once, when the action is claimed (compare-and-set in the graph): it fires once. */
  claimed_at?: string;
  claimed_by?: string;
  /** `done` or `failed` once it has run; `message` says why it failed. */
  outcome?: 'done' | 'failed';
  finished_at?: string;
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
