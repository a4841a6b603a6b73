/**
 * The provider port: "something that gives us compute nodes" (decision 0008). Adapters:
 * `local/` (worker processes on this machine), `slurm/` (sbatch, squeue, scancel, sinfo)
 * and `aws/` (EC2 instances, Spot). One contract suite (test/contract/provider.contract.ts)
 * runs against every adapter that is reachable.
 *
 * Glossary
 * - allocation: one request for compute (a Slurm job, EC2 instances, local processes). Its
 *   jobgraph key (`AllocationRequest.allocation`) is given to the provider so that an
 *   allocation can be found again by it (Slurm job name, EC2 tag) after a crash between
 *   submitting and recording.
 * - node: one machine of an allocation; one worker runs on each (or one for all of them).
 * - provider id: the provider's own id (Slurm job id, EC2 instance or fleet id, local id).
 *
 * The port speaks jobgraph's terms only; no driver type (child processes, SDK clients)
 * crosses it. Adapters map their failures to core errors: ValidationError for a scheduler
 * setting that cannot work (naming the scheduler and the field), ProviderError for a refusal
 * by the provider (its own message kept), UnavailableError when the provider cannot be
 * reached (command missing, endpoint down).
 */
import type { AllocationEndReason, SchedulerDoc, SchedulerType } from '../core/model.js';

/** The hardware one node of an allocation offers (what its worker will offer). */
export interface NodeShape {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
}

/** How the workers of an allocation are started: what the node runs is `jobgraph worker start` with these. */
export interface WorkerLaunch {
  /** API base URL the workers call (reachable from the nodes). */
  apiUrl: string;
  /** Bearer token for the workers, once the API has auth. */
  token?: string;
  /**
   * The command that runs the jobgraph CLI on a node, as argv (e.g. `[process.execPath,
   * '/opt/jobgraph/bin/jobgraph.js']`); `worker start …` is appended.
   */
  command: string[];
  /** Working directory of the workers (and their jobs). */
  cwd: string;
  /** Where the provider keeps its own files: scripts, provider output (`<dir>/<allocation>.*`). */
  outputDir: string;
  /** One worker on each node (`srun`), or one worker for the whole allocation (multi-node jobs). @default true */
  perNode?: boolean;
  /** Most jobs a worker runs at once (torc's `max_parallel_jobs`). */
  maxParallelJobs?: number;
  /**
   * Seconds before the allocation's end when a worker takes no job any more
   * (torc's `compute_node_expiration_buffer_seconds`).
   */
  expirationBufferS?: number;
  /** A worker with nothing to do exits after this many seconds (torc's `compute_node_wait_for_new_jobs_seconds`). */
  idleExitS?: number;
  /** Keep serving after the workflow completes (torc's `compute_node_ignore_workflow_completion`). */
  ignoreWorkflowCompletion?: boolean;
  /** Extra environment for the workers. */
  env?: Record<string, string>;
}

/** A capacity pool to stay away from: an instance type, a zone, or both (each named part must match). */
export interface AvoidPool {
  instance_type?: string;
  zone?: string;
}

/** One allocation to submit. */
export interface AllocationRequest {
  /** jobgraph's `allocations` key: names the allocation at the provider (idempotency, adoption). */
  allocation: string;
  workflow: string;
  /** The scheduler document: normalized fields and the provider's own settings as the user wrote them. */
  scheduler: SchedulerDoc;
  /** Nodes to ask for. @default scheduler.nodes */
  nodes?: number;
  /** Wall time in seconds. @default scheduler.walltime_s */
  walltime_s?: number;
  worker: WorkerLaunch;
  /**
   * Capacity pools to stay away from for now (e.g. after a Spot interruption there): an
   * instance type, a zone, or both. Providers without pools ignore it.
   */
  avoid?: AvoidPool[];
}

/** What a submission gave. */
export interface SubmittedAllocation {
  provider_id: string;
  /** Worth recording on the allocation: script and output paths, instance type, market, price per hour. */
  details?: Record<string, unknown>;
}

/** An allocation as the provider sees it now. */
export interface AllocationStatus {
  provider_id: string;
  /** The jobgraph allocation key the provider knows it by (job name, tag), when it can tell. */
  allocation?: string;
  state: 'pending' | 'running' | 'ended';
  /** Set when `ended`. */
  reason?: AllocationEndReason;
  /** The provider's own words, e.g. Slurm's pending reason or an EC2 state message. */
  message?: string;
  node_names?: string[];
  started_at?: string;
  /** When the provider will end it (start + walltime, a Spot notice), once known. */
  ends_at?: string;
  ended_at?: string;
  details?: Record<string, unknown>;
}

export interface ComputeProvider {
  readonly type: SchedulerType;
  /**
   * Check a scheduler's settings before anything is submitted (an account where one is
   * required, a walltime that parses, an instance type that exists).
   * @throws ValidationError naming the scheduler and field
   */
  validate(scheduler: SchedulerDoc): Promise<void>;
  /** The shape of one node an allocation of `scheduler` provides (for the scaling policy). */
  nodeShape(scheduler: SchedulerDoc): Promise<NodeShape>;
  /** What `submit` would do, as text a person can read and run (the sbatch script, the EC2 request). */
  describe(request: AllocationRequest): Promise<string>;
  /**
   * Submit one allocation. Either it is submitted and its id returned, or it throws and
   * nothing is left behind at the provider.
   * @throws ValidationError, ProviderError (the provider refused: its message kept), UnavailableError
   */
  submit(request: AllocationRequest): Promise<SubmittedAllocation>;
  /**
   * The state of the given allocations. An id the provider no longer knows is answered
   * `ended` with reason `unknown` (or the reason it last saw). Never throws for an unknown id.
   */
  status(providerIds: string[]): Promise<Map<string, AllocationStatus>>;
  /**
   * Every live (pending or running) allocation this provider holds for jobgraph, optionally
   * only those of one workflow: how a restarted scaling service adopts or cleans up.
   */
  list(filter?: { workflow?: string }): Promise<AllocationStatus[]>;
  /** Cancel (release) an allocation; its workers get SIGTERM first. Idempotent: an ended one is fine. */
  cancel(providerId: string): Promise<void>;
  /** Release clients and child processes. Idempotent. */
  close(): Promise<void>;
}
