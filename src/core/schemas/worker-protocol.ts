/**
 * The contract between workers and the API (`/api/v1/workers`, `/api/v1/attempts/*`).
 * Shared by the API routes (which validate and document it) and the worker's client.
 */
import { z } from '@hono/zod-openapi';
import { JOB_STATUSES, WORKFLOW_STATUSES } from '../model.js';
import { fewIssues } from './few-issues.js';
import { ResourceUsageSchema } from './resource-usage.js';

/** Most characters of one log tail (workers send at most 16 KiB: src/worker/log-tail.ts). */
const MAX_TAIL_CHARS = 64 * 1024;

const key = z.string().min(1).max(254);

/** A GPU a worker offers, as detected (worker/gpu-discovery.ts); recorded on its compute nodes. */
export const GpuDeviceSchema = z
  .object({
    /** The id a job's `CUDA_VISIBLE_DEVICES` names it by. */
    id: z.string().min(1).max(254),
    vendor: z.enum(['nvidia', 'amd']),
    uuid: z.string().max(254).optional(),
    name: z.string().max(254).optional(),
    memory_bytes: z.number().nonnegative().optional(),
  })
  .openapi('GpuDevice');
const gpusField = z.array(GpuDeviceSchema).max(1024).optional();

export const WorkerIdentitySchema = z
  .object({
    worker_id: key,
    hostname: z.string().min(1),
    pid: z.number().int().nonnegative(),
    num_cpus: z.number().int().positive(),
    memory_bytes: z.number().int().positive(),
    num_gpus: z.number().int().nonnegative(),
    /** The allocation that started the worker (`allocations` key). */
    allocation: key.optional(),
    /** The GPUs offered, with their models and memory, when detected. */
    gpus: gpusField,
  })
  .openapi('WorkerIdentity');
export type WorkerIdentityBody = z.infer<typeof WorkerIdentitySchema>;

/**
 * What a worker on a cloud instance knows of it (EC2: from instance metadata), recorded on its
 * compute node: which instance, of which type, in which zone, bought on which market.
 */
export const InstanceFieldsShape = {
  /** e.g. `i-0abc…`. */
  instance_id: z.string().min(1).max(254).optional(),
  /** e.g. `c7i.large`. */
  instance_type: z.string().min(1).max(254).optional(),
  /** Availability zone, e.g. `us-east-1a`. */
  zone: z.string().min(1).max(254).optional(),
  /** `spot` or `on-demand` (EC2's instance life cycle). */
  market: z.string().min(1).max(254).optional(),
};

export const RegisterWorkerRequestSchema = z
  .object({
    hostname: z.string().min(1),
    pid: z.number().int().nonnegative(),
    num_cpus: z.number().int().positive(),
    memory_bytes: z.number().int().positive(),
    num_gpus: z.number().int().nonnegative().default(0),
    /** The GPUs offered, with their models and memory, when detected. */
    gpus: gpusField,
    /** Serve only this workflow; its compute node document is created at once. */
    workflow: key.optional(),
    /** The allocation that started the worker (`allocations` key); recorded on its compute node. */
    allocation: key.optional(),
    ...InstanceFieldsShape,
  })
  .openapi('RegisterWorkerRequest');

export const RegisterWorkerResponseSchema = z
  .object({
    worker_id: key,
    /** Redis connection for the queues (a `redis://` URL). */
    redis_url: z.string(),
    /** BullMQ key prefix the scheduler uses. */
    queue_prefix: z.string(),
    /** How often to refresh the heartbeat key in Redis (decision 0004); absent: 10000. */
    heartbeat_ms: z.number().int().positive().optional(),
    /** Lifetime of each heartbeat; absent: 30000. */
    heartbeat_ttl_ms: z.number().int().positive().optional(),
    /**
     * Self-fencing: with no heartbeat renewed for this long, terminate the running jobs and take
     * no new ones until a renewal succeeds (src/core/fencing.ts); absent: derived from the two above.
     */
    fence_ms: z.number().int().positive().optional(),
  })
  .openapi('RegisterWorkerResponse');
export type RegisterWorkerResponse = z.infer<typeof RegisterWorkerResponseSchema>;

export const StartAttemptsRequestSchema = z
  .object({
    worker: WorkerIdentitySchema,
    attempts: z
      .array(z.object({ workflow: key, job: key, attempt: z.number().int().positive() }))
      .min(1)
      .max(10_000),
  })
  .openapi('StartAttemptsRequest');
export type StartAttemptsRequest = z.infer<typeof StartAttemptsRequestSchema>;

export const StartOutcomeSchema = z.union([
  z.object({
    ok: z.literal(true),
    compute_node: key,
    job: z
      .object({ _key: key, name: z.string(), command: z.string(), invocation_script: z.string().optional() })
      .passthrough(),
    /** The files the job needs: the worker hashes them before it runs the job (decision 0007). */
    input_files: z.array(z.object({ _key: key, path: z.string() })).optional(),
    /** Set when this answers a repeat of a start that already ran on this worker (its first answer was lost): nothing changed. */
    repeated: z.boolean().optional(),
  }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export const StartAttemptsResponseSchema = z
  .object({ outcomes: z.array(StartOutcomeSchema) })
  .openapi('StartAttemptsResponse');
export type StartAttemptsResponse = z.infer<typeof StartAttemptsResponseSchema>;

export const CompleteAttemptSchema = z.object({
  workflow: key,
  job: key,
  attempt: z.number().int().positive(),
  status: z.enum(['completed', 'failed', 'terminated', 'canceled']),
  return_code: z.number().int(),
  exec_time_s: z.number().nonnegative(),
  completion_time: z.string(),
  compute_node: key,
  stdout_path: z.string().optional(),
  stderr_path: z.string().optional(),
  /** The end of the attempt's stdout / stderr (bounded: src/worker/log-tail.ts); the full files stay at the paths. */
  stdout_tail: z.string().max(MAX_TAIL_CHARS).optional(),
  stderr_tail: z.string().max(MAX_TAIL_CHARS).optional(),
  message: z.string().optional(),
  /** The worker vetoes a failure-handler retry (its recovery script failed); it can never force one. */
  no_retry: z.boolean().optional(),
  /** Input file key → sha256 of its content (or `missing`) when the attempt started (decision 0007). */
  inputs: z.object({ files: fewIssues(z.record(z.string(), z.string()), z.string()) }).optional(),
  /** With status `terminated`: the worker was taken away (walltime, preemption, Spot notice); the job runs again. */
  interrupted: z.boolean().optional(),
  /** What the attempt was given and used (GPUs, memory, CPU); stored on the result as is. */
  resource_usage: ResourceUsageSchema.optional(),
});
export const CompleteAttemptsRequestSchema = z
  .object({ results: z.array(CompleteAttemptSchema).min(1).max(10_000) })
  .openapi('CompleteAttemptsRequest');
export type CompleteAttemptsRequest = z.infer<typeof CompleteAttemptsRequestSchema>;

export const CompleteOutcomeSchema = z.union([
  z.object({
    ok: z.literal(true),
    duplicate: z.boolean(),
    result: key,
    newly_ready: z.number().int(),
    /** A failure handler sent the job back to `ready` as this attempt. */
    next_attempt: z.number().int().positive().optional(),
    /** The job had been canceled while this attempt ran: the result is recorded as `canceled`, nothing else changed. */
    canceled: z.boolean().optional(),
  }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export const CompleteAttemptsResponseSchema = z
  .object({ outcomes: z.array(CompleteOutcomeSchema) })
  .openapi('CompleteAttemptsResponse');
export type CompleteAttemptsResponse = z.infer<typeof CompleteAttemptsResponseSchema>;

export const WorkflowStatusResponseSchema = z.object({
  workflow: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  counts: z.partialRecord(z.enum(JOB_STATUSES), z.number().int()),
  total: z.number().int(),
});
/** What a worker reads of `GET /api/v1/workflows/{wf}/status` (the API documents the whole answer). */
export type WorkflowStatusResponse = z.infer<typeof WorkflowStatusResponseSchema>;

/**
 * The calls of a tiny job's round trip as the API's own process answers them
 * (api/in-process-worker-api.ts, for the worker `jobgraph run` embeds; decision 0019).
 */
export interface InProcessWorkerApi {
  startAttempts(body: StartAttemptsRequest): Promise<StartAttemptsResponse>;
  completeAttempts(body: CompleteAttemptsRequest): Promise<CompleteAttemptsResponse>;
  workflowStatus(workflow: string): Promise<WorkflowStatusResponse>;
}
