/**
 * A worker for one compute node: registers with the API, learns the Redis connection from
 * it, and runs the pull loop (see pull-loop.ts) over its resource ledger until stopped or,
 * when bound to a workflow, until that workflow is finished.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { inheritedEnvironment } from '../core/config.js';
import { AppError, ERROR_CODES, UnavailableError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { defaultFenceMs } from '../core/fencing.js';
import { FINAL_JOB_STATUSES, type JobStatus } from '../core/model.js';
import { JobConsumer } from '../queue/job-consumer.js';
import type { Notifier } from '../queue/notifications.js';
import { WorkerHeartbeat } from '../queue/worker-heartbeat.js';
import type { ImdsClient, InstanceIdentity } from '../provision/aws/imds-client.js';
import type { InProcessWorkerApi, WorkflowStatusResponse } from '../core/schemas/worker-protocol.js';
import { ApiClient } from './api-client.js';
import { AttemptReporter } from './attempt-reporter.js';
import { directLauncher } from './process-launcher.js';
import { startSpawnHelper, type SpawnHelper, type SpawnHelperPreference } from './spawn-helper.js';
import { instanceFields, watchInstance } from './instance-watch.js';
import { HeartbeatFence } from './heartbeat-fence.js';
import { killedOnExit } from './kill-jobs-on-exit.js';
import { Lease } from './lease.js';
import { PullLoop, type LoopEnd } from './pull-loop.js';
import { cachedHandlerLookup } from './failure-recovery.js';
import { ResourceLedger } from './resource-ledger.js';
import { toolRunner, type GpuDevice } from './gpu-discovery.js';
import { sharedGpuUsage, type GpuUsageSource } from './gpu-process-usage.js';
import { cachedMonitorSettings } from './monitor-settings-lookup.js';
import { sharedProcessTable } from './process-tree.js';

/** Options of a worker. Resources are what it offers, not what the machine has. */
export interface WorkerOptions {
  /** API base URL; the only address a worker needs. */
  apiUrl: string;
  /** How API requests are sent (see ApiClientOptions.fetch). @default globalThis.fetch */
  apiFetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** The API's worker operations in this process (see ApiClientOptions.inProcess). */
  inProcessApi?: InProcessWorkerApi;
  /**
   * The hints' notifier of the scheduler in this process (JobConsumerOptions.notifier): its
   * `queued` hints reach this worker without a round trip through Redis. It must be on the
   * Redis and prefix the API hands out.
   */
  notifier?: Notifier;
  /**
   * A spawn helper already starting (startSpawnHelper): it takes ~0.05–0.1 s to be ready,
   * which `jobgraph run` spends while its services start. The worker owns it from here
   * (closes it when it stops, or when it fails to start). @default one started now
   */
  spawnHelper?: Promise<SpawnHelper>;
  /** Which spawn helper to start when none is given (`JOBGRAPH_SPAWN_HELPER`). @default 'auto' */
  spawnHelperKind?: SpawnHelperPreference;
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
  /**
   * The GPUs offered, by device (as many as `num_gpus`): jobs get their ids in
   * `CUDA_VISIBLE_DEVICES` and the like, and the compute node records their models.
   * @default devices "0".."num_gpus-1"
   */
  gpus?: GpuDevice[];
  /**
   * Kill a job whose memory passes its request times this, unless its workflow's
   * `resource_monitor.memory_limit_factor` says otherwise; `off`: no limit.
   * @default 2 (DEFAULT_MONITOR_SETTINGS)
   */
  memoryLimitFactor?: number | 'off';
  /**
   * Where GPU use per job is read. @default nvidia-smi found on the worker's inherited PATH,
   * when the GPUs offered are NVIDIA ones; none otherwise (rocm-smi is not sampled)
   */
  gpuUsage?: GpuUsageSource;
  /** Serve only this workflow, and end (exit code 0) once it is finished. */
  workflow?: string;
  /**
   * Working directory of the jobs.
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * Where each attempt's stdout/stderr go (`<logDir>/<workflow>/<job>.a<attempt>.{out,err}`).
   * @default `<cwd>/.jobgraph/logs`
   */
  logDir?: string;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Longest sleep when nothing fits or waits (a `queued` hint or a job's end wakes it sooner).
   * @default 500
   */
  idlePollMs?: number;
  /**
   * Time between SIGTERM and SIGKILL when terminating a job.
   * @default 10000
   */
  terminateGraceMs?: number;
  /**
   * On stop, how long to keep retrying completions the API has not accepted yet, unless
   * `stop` is given a `flushUntil`.
   * @default 60000
   */
  reportDeadlineMs?: number;
  /**
   * The process's shutdown, for a start it interrupts: once aborted, the registration and the
   * connections being opened give up and `startWorker` rejects. A started worker is stopped
   * with `stop()`.
   */
  closing?: AbortSignal;
  /** The allocation that started this worker (`allocations` key); recorded on its compute nodes. */
  allocation?: string;
  /** When the node goes away (Slurm walltime, Spot notices): only jobs that can finish before are taken. */
  lease?: Lease;
  /** Most jobs running at once (torc's `max_parallel_jobs`). @default no limit */
  maxParallelJobs?: number;
  /** End (exit code 0) after this long with nothing to do (torc's `compute_node_wait_for_new_jobs_seconds`). */
  idleExitMs?: number;
  /** With `workflow`: keep serving after it is finished (torc's `compute_node_ignore_workflow_completion`). */
  ignoreWorkflowCompletion?: boolean;
  /** Nodes this worker offers: more than 1 when it serves a whole multi-node allocation. @default 1 */
  num_nodes?: number;
  /** Bearer token for the API. */
  token?: string;
  /**
   * On an EC2 instance (`worker start --imds`): the metadata service to watch for Spot notices,
   * and the instance's identity when it could be read (recorded on the compute node).
   */
  instance?: { imds: ImdsClient; pollMs?: number; identity?: InstanceIdentity };
}

/** How a worker is stopped. */
export interface StopOptions {
  /** Report the terminated attempts as interrupted: they run again elsewhere (decision 0008). */
  interrupt?: boolean;
  /**
   * Epoch ms by which completions the API has not accepted are given up (counted, logged in
   * full, exit code 1). @default now + `reportDeadlineMs`
   */
  flushUntil?: number;
}

/** A started worker. */
export interface WorkerHandle {
  /** Id the API gave this worker (compute node keys are `${workflow}-${workerId}`). */
  readonly workerId: string;
  /** Resolves with the exit code: 0 after a workflow finished or a clean stop; 1 on failure or lost reports. */
  readonly done: Promise<number>;
  /** Why the exit code is 1, one line each (empty while it is 0). */
  readonly problems: readonly string[];
  /**
   * Take no new jobs, stop reconnecting to Redis, terminate running ones (reported
   * `terminated`, or with `interrupt` as interrupted attempts that run again elsewhere),
   * flush reports until `flushUntil`, close. Resolves when done.
   */
  stop(reason?: string, options?: StopOptions): Promise<void>;
}

/** Heartbeat timing when the API does not say (an older API). */
const DEFAULT_HEARTBEAT_MS = 10_000;
const DEFAULT_HEARTBEAT_TTL_MS = 30_000;

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DONE_WORKFLOW_STATUSES = new Set(['completed', 'failed', 'canceled']);

const LOOP_END_REASONS: Record<LoopEnd | 'failed', string> = {
  finished: 'workflow finished',
  failed: 'loop failed',
  stopped: 'stop requested',
  idle: 'idle: no job to run',
  expired: 'lease ending: no job can finish in the time left',
};

/** Where a worker started with `options` writes the jobs' logs (`<logDir>/<workflow>/…`). */
export function workerLogDir(options: Pick<WorkerOptions, 'cwd' | 'logDir'>): string {
  return options.logDir ?? join(options.cwd ?? process.cwd(), '.jobgraph', 'logs');
}

/** Whether a workflow is over: final status, or running with every job in a final state. */
export function isWorkflowOver(status: WorkflowStatusResponse): boolean {
  if (DONE_WORKFLOW_STATUSES.has(status.status)) return true;
  if (status.status !== 'running' || status.total === 0) return false;
  return Object.entries(status.counts).every(([s, n]) => n === 0 || FINAL_JOB_STATUSES.has(s as JobStatus));
}

/** Register and start pulling. Resolves once registered and subscribed; `done` settles when the worker ends. */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const baseLogger = options.logger ?? silentLogger;
  // Aborted when the worker begins to stop (or the process shuts down during the start): its
  // Redis connections stop reconnecting, and API calls other than reports give up.
  const stopping = new AbortController();
  const onClosing = () => stopping.abort(options.closing?.reason);
  if (options.closing?.aborted) onClosing();
  else options.closing?.addEventListener('abort', onClosing, { once: true });
  const forgetClosing = () => options.closing?.removeEventListener('abort', onClosing);
  // Aborted once the time to flush reports has run out: the last requests are canceled.
  const giveUp = new AbortController();
  const ledger = new ResourceLedger({
    num_cpus: options.num_cpus,
    memory_bytes: options.memory_bytes,
    num_gpus: options.num_gpus,
    ...(options.gpus !== undefined && { gpu_ids: options.gpus.map((g) => g.id) }),
    ...(options.num_nodes !== undefined && { num_nodes: options.num_nodes }),
  });
  const client = new ApiClient({
    baseUrl: options.apiUrl,
    logger: baseLogger,
    fetch: options.apiFetch,
    ...(options.inProcessApi && { inProcess: options.inProcessApi }),
    token: options.token,
  });
  const host = hostname();
  const { num_cpus, memory_bytes, num_gpus } = ledger.capacity;
  const allocation = options.allocation !== undefined ? { allocation: options.allocation } : {};
  const instance = options.instance?.identity && instanceFields(options.instance.identity);
  // What this worker is, in its registration and in each start.
  const gpus = options.gpus?.length ? { gpus: options.gpus } : {};
  const node = { hostname: host, pid: process.pid, num_cpus, memory_bytes, num_gpus, ...allocation, ...gpus };
  // Ready while the worker registers.
  const helperStarting = (options.spawnHelper ?? startSpawnHelper({ prefer: options.spawnHelperKind })).catch(
    (err: unknown) => err as Error,
  );
  const registration = await client
    .registerWorker(
      { ...node, ...(options.workflow !== undefined ? { workflow: options.workflow } : {}), ...instance },
      {
        signal: stopping.signal,
        // Started before the API (a job script, a node booting) or while it restarts: keep
        // trying until stopped, and say so at once and at every try — never a silent wait.
        retryUntilAborted: true,
        onRetry: ({ failures, delayMs, reason }) =>
          baseLogger.warn(
            { failures, reason },
            `cannot reach the API at ${options.apiUrl} (${reason}); retrying in ${(delayMs / 1000).toFixed(1)} s`,
          ),
      },
    )
    .catch((err: unknown) => {
      forgetClosing();
      void helperStarting.then((helper) => (helper instanceof Error ? undefined : helper.close()));
      throw err;
    });
  const workerId = registration.worker_id;
  const logger = baseLogger.child({ worker: workerId, ...(options.workflow ? { workflow: options.workflow } : {}) });
  const identity = { worker_id: workerId, ...node };

  const helper = await helperStarting;
  if (helper instanceof Error)
    logger.warn({ err: helper }, 'spawn helper unavailable; spawning jobs from the worker process');
  const launcher = killedOnExit(helper instanceof Error ? directLauncher : helper);
  const consumer = new JobConsumer({
    redisUrl: registration.redis_url,
    prefix: registration.queue_prefix,
    logger,
    closing: stopping.signal,
    ...(options.notifier && { notifier: options.notifier }),
  });
  const reporter = new AttemptReporter({
    sendStarts: async (attempts, stopRetrying) =>
      (await client.startAttempts({ worker: identity, attempts }, { stopRetrying })).outcomes,
    sendCompletes: async (results, signal) => (await client.completeAttempts({ results }, { signal })).outcomes,
    logger,
  });
  const problems: string[] = [];
  const cwd = options.cwd ?? process.cwd();
  const workflow = options.workflow;
  // Notices need a lease to act on, whether or not the node had a known end.
  const lease = options.lease ?? (options.instance ? new Lease() : undefined);
  const loop = new PullLoop({
    consumer,
    reporter,
    ledger,
    logger,
    apiUrl: client.baseUrl,
    cwd,
    logDir: workerLogDir(options),
    idlePollMs: options.idlePollMs ?? 500,
    terminateGraceMs: options.terminateGraceMs,
    // Handlers never change after creation: each workflow's are fetched once. A lookup serves a
    // report, so it may go on while the worker stops, until reports are given up.
    failureHandlers: cachedHandlerLookup((wf) => client.failureHandlers(wf, { signal: giveUp.signal })),
    monitorSettings: cachedMonitorSettings(
      (wf) => client.resourceMonitor(wf, { signal: stopping.signal }),
      options.memoryLimitFactor !== undefined ? { memory_limit_factor: options.memoryLimitFactor } : {},
      logger,
    ),
    ...(options.gpus?.[0] && { gpuVendor: options.gpus[0].vendor }),
    processTable: sharedProcessTable(),
    ...gpuUsageOption(options),
    launcher,
    workflow,
    lease,
    maxParallelJobs: options.maxParallelJobs,
    idleExitMs: options.idleExitMs,
    workflowFinished:
      workflow === undefined || options.ignoreWorkflowCompletion
        ? undefined
        : async () => {
            try {
              return isWorkflowOver(await client.workflowStatus(workflow, { signal: stopping.signal }));
            } catch (err) {
              if (!(err instanceof AppError) || err.code !== ERROR_CODES.NOT_FOUND) throw err;
              // Deleted while served: nothing will ever come; end, as a failure.
              logger.error({ err }, 'the workflow no longer exists');
              problems.push(`workflow ${workflow} no longer exists`);
              return true;
            }
          },
  });

  const intervalMs = registration.heartbeat_ms ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = registration.heartbeat_ttl_ms ?? DEFAULT_HEARTBEAT_TTL_MS;
  // Cut off from Redis for longer than this, the worker ends its jobs before the scheduler can
  // declare it lost and run them elsewhere (core/fencing.ts).
  const fence = new HeartbeatFence({
    fenceMs: registration.fence_ms ?? defaultFenceMs(intervalMs, ttlMs),
    onFence: (silentMs) => loop.fence(`fenced: heartbeat not renewed for ${Math.round(silentMs)} ms`),
    onUnfence: () => loop.unfence(),
    logger,
  });
  // Beats before the first job can start: the watchdog watches idle workers' nodes too, and
  // marks them inactive when the beats stop.
  const heartbeat = new WorkerHeartbeat({
    redisUrl: registration.redis_url,
    prefix: registration.queue_prefix,
    workerId,
    intervalMs,
    ttlMs,
    logger,
    closing: stopping.signal,
    onRenewed: (sentAt) => fence.renewed(sentAt),
    // Listed in each beat: the scheduler re-queues a running attempt this worker does not hold.
    held: () => reporter.held(),
    // Its size: the scheduler reports jobs that no live worker could take (issue 11, item 5).
    capacity: {
      num_cpus: ledger.capacity.num_cpus,
      memory_bytes: ledger.capacity.memory_bytes,
      num_gpus: ledger.capacity.num_gpus,
    },
  });
  try {
    if (stopping.signal.aborted) throw new UnavailableError(`worker start given up: ${String(stopping.signal.reason)}`);
    await heartbeat.start();
    await consumer.onQueued((queues) => loop.hint(queues));
    // Canceled jobs running here are terminated on the announcement, not by polling the API.
    await consumer.onCancel((ids) => loop.cancel(ids));
  } catch (err) {
    stopping.abort('start failed');
    fence.stop();
    await heartbeat.stop();
    await consumer.close();
    await launcher.close();
    launcher.release();
    forgetClosing();
    throw err;
  }
  logger.info(
    {
      ...ledger.capacity,
      redis: registration.redis_url,
      prefix: registration.queue_prefix,
      spawn_helper: helper instanceof Error ? 'none' : helper.kind,
    },
    'worker started',
  );

  const watch =
    options.instance &&
    watchInstance({
      imds: options.instance.imds,
      pollMs: options.instance.pollMs,
      lease: lease!,
      context: { workerId, ...allocation, ...(instance && { instance }) },
      record: async (event) => {
        if (workflow === undefined) return; // events belong to a workflow; the log has it
        await client.postEvent(workflow, event);
      },
      logger,
    });

  const running = loop.run().catch((err: unknown) => {
    logger.error({ err }, 'worker loop failed');
    problems.push(`the worker loop failed: ${(err as Error).message}`);
    return 'failed' as const;
  });

  const shutdown = async (reason: string, interrupt: boolean, flushUntil: number): Promise<void> => {
    logger.info({ reason, running: loop.runningCount }, 'worker stopping');
    // The stop ends the jobs itself; a fence firing while reports flush would only rename why.
    fence.stop();
    stopping.abort(reason);
    // Reports wait on an API that may be gone: they have until flushUntil, then the lookups and
    // requests still running are canceled.
    const flushMs = () => Math.min(Math.max(0, flushUntil - Date.now()), MAX_TIMER_MS);
    const flushTimer = setTimeout(() => giveUp.abort('the time to flush reports ran out'), flushMs());
    await watch?.stop();
    await loop.stop(interrupt ? reason : undefined);
    reporter.abortStarts();
    // The loop may still be finishing a round (a start call, acks). Let it, so its queue
    // entries are acked; if Redis hangs it, closing the consumer fails the pending commands.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await consumer.close();
    await running;
    await loop.stop(interrupt ? reason : undefined); // attempts launched while the loop was finishing its last round
    await launcher.close();
    const lost = await reporter.close(flushMs());
    clearTimeout(flushTimer);
    giveUp.abort('the worker stopped');
    launcher.release();
    forgetClosing();
    // Only now: until every completion is in, the watchdog must still see this worker alive.
    await heartbeat.stop();
    if (lost.length > 0)
      problems.push(
        `${lost.length} completion${lost.length === 1 ? '' : 's'} could not be delivered to the API ` +
          `(each is logged in full; the scheduler runs them again once it finds this worker gone)`,
      );
    logger.info({ reason, exitCode: exitCode() }, 'worker stopped');
  };
  const exitCode = () => (problems.length > 0 ? 1 : 0);

  let stopped: Promise<void> | undefined;
  const stop = (reason = 'stop requested', stopOptions: StopOptions = {}): Promise<void> =>
    (stopped ??= shutdown(
      reason,
      stopOptions.interrupt === true,
      stopOptions.flushUntil ?? Date.now() + (options.reportDeadlineMs ?? 60_000),
    ));
  const done = (async () => {
    const why = await running;
    await stop(why === 'expired' && lease?.draining ? `draining: ${lease.draining}` : LOOP_END_REASONS[why]);
    return exitCode();
  })();

  return { workerId, done, problems, stop };
}

/** The process's shutdown as a worker obeys it (see cli/graceful-shutdown.ts). */
export interface WorkerShutdown {
  /** Aborted (with the signal's name) when the process shuts down. */
  readonly signal: AbortSignal;
  /** Epoch ms by which reports still being retried are given up. */
  flushDeadline(): number;
}

/** How {@link runWorker} ended. */
export interface WorkerEnd {
  code: number;
  /** Why `code` is 1, one line each. */
  problems: readonly string[];
}

/**
 * Run a worker until it ends or the process shuts down. On shutdown running jobs are
 * terminated and reported as interrupted (the node is being taken away — Slurm's walltime,
 * scancel, preemption, a Spot instance's end — not the jobs' fault), so they run again
 * elsewhere; reports are flushed until the shutdown's flush deadline. A shutdown during the
 * start ends it cleanly (code 0).
 */
export async function runWorker({
  shutdown,
  ...options
}: WorkerOptions & { shutdown: WorkerShutdown }): Promise<WorkerEnd> {
  let handle: WorkerHandle;
  try {
    handle = await startWorker({ ...options, closing: shutdown.signal });
  } catch (err) {
    if (shutdown.signal.aborted) return { code: 0, problems: [] };
    throw err;
  }
  const onShutdown = () =>
    void handle.stop(`received ${String(shutdown.signal.reason)}`, {
      interrupt: true,
      flushUntil: shutdown.flushDeadline(),
    });
  if (shutdown.signal.aborted) onShutdown();
  else shutdown.signal.addEventListener('abort', onShutdown, { once: true });
  try {
    return { code: await handle.done, problems: handle.problems };
  } finally {
    shutdown.signal.removeEventListener('abort', onShutdown);
  }
}

/** The GPU sampler of a worker: the one given, else nvidia-smi for a worker offering NVIDIA GPUs. */
function gpuUsageOption(options: WorkerOptions): { gpuUsage?: GpuUsageSource } {
  if (options.gpuUsage) return { gpuUsage: options.gpuUsage };
  if (options.gpus?.[0]?.vendor !== 'nvidia') return {};
  return { gpuUsage: sharedGpuUsage(toolRunner(inheritedEnvironment())) };
}
