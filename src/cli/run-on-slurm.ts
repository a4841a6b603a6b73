/**
 * `jobgraph run SPEC --slurm`: a whole workflow on a Slurm cluster from a login node. The
 * server runs here (API, scheduler, provisioner; SQLite in ./.jobgraph/, a private Redis unless
 * REDIS_URL is set); the workers run in allocations the provisioner submits as the backlog
 * needs them (auto-scaling). Exits when the workflow has ended and every allocation is
 * released: 0 only if every job completed. Ctrl-C (SIGINT/SIGTERM) cancels the workflow and
 * its allocations at once, then stops within `JOBGRAPH_SHUTDOWN_MS`; a second one exits at once.
 */
import { hostname } from 'node:os';
import { loadConfig } from '../core/config.js';
import { ProviderError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { AllocationDoc, SchedulerDoc, WorkflowBundle } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { ProviderRegistry } from '../provision/provider-registry.js';
import { decideScaling } from '../provision/scaling-policy.js';
import { startPrivateRedis, type PrivateRedis } from '../queue/private-redis.js';
import { startWorkflow } from '../scheduler/start-workflow.js';
import { buildAllocationReport } from './allocation-report.js';
import { EXIT_FAILED, EXIT_OK, GracefulShutdown } from './graceful-shutdown.js';
import { startProgressDisplay } from './progress-display.js';
import { refuseUnrunnableJobs, type UnrunnableJob } from './refuse-unrunnable-jobs.js';
import { buildRunReport, formatRunReport } from './run-report.js';
import { startServices, type Services } from './services.js';
import { applySlurmSettings, type SlurmRunSettings } from './slurm-run-schedulers.js';

export interface SlurmRunFlags extends SlurmRunSettings {
  json?: boolean;
  db?: string;
  /** API (and private Redis) listen address; the nodes must reach it. @default 127.0.0.1 */
  host?: string;
  /** The spec's warnings (read-spec-file.ts), printed already; `--json` reports them too. */
  warnings?: string[];
}

/** How long after the workflow's end the allocations may take to release their nodes. */
const RELEASE_DEADLINE_MS = 120_000;
const WIDE = new Set(['0.0.0.0', '::']);

export async function runOnSlurm(spec: WorkflowBundle, flags: SlurmRunFlags): Promise<number> {
  const host = flags.host ?? '127.0.0.1';
  const base = loadConfig({ JOBGRAPH_DB: flags.db, JOBGRAPH_HOST: host, JOBGRAPH_PORT: 0 });
  // Before anything is started: a Ctrl-C from here on stops what was started.
  const shutdown = new GracefulShutdown({ name: 'jobgraph run --slurm', deadlineMs: base.JOBGRAPH_SHUTDOWN_MS });
  const logger = createLogger(base.JOBGRAPH_LOG_LEVEL === 'info' ? 'warn' : base.JOBGRAPH_LOG_LEVEL);
  const bundle = applySlurmSettings(spec, flags);

  let redis: PrivateRedis | undefined;
  let services: Services | undefined;
  let code: number;
  const problems: string[] = [];
  try {
    redis = base.REDIS_URL ? undefined : await startPrivateRedis('redis-server', { bind: host });
    const redisUrl = base.REDIS_URL ?? redis!.url;
    // Workers on other nodes reach a wildcard-bound private Redis by this machine's name.
    const config =
      redis && WIDE.has(host)
        ? {
            ...base,
            JOBGRAPH_WORKER_REDIS_URL: base.JOBGRAPH_WORKER_REDIS_URL ?? `redis://${hostname()}:${redis.port}`,
          }
        : base;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    services = await startServices(config, redisUrl, { api: true, scheduler: true, provision: true }, logger, {
      shutdown,
      onWorkflowFinished: (wf) => {
        if (wf._key === bundle.workflow._key) finish();
      },
    });
    const { store } = services;
    const wf = await store.createWorkflow(bundle);
    await refuseUnplaceable(store, wf._key, logger);
    const started = Date.now();
    // auto_scale is set with the start, in its transaction: the provisioner never sees one without the other.
    await startWorkflow({ store, scheduler: services.scheduler! }, wf._key, {
      set: { auto_scale: flags.max_allocations !== undefined ? { max_allocations: flags.max_allocations } : true },
    });
    services.provisioner!.poke([wf._key]);
    process.stderr.write(
      `jobgraph run --slurm: workflow ${wf._key}, API ${services.apiUrl}; waiting for allocations\n`,
    );

    const progress =
      !flags.json && process.stderr.isTTY ? startProgressDisplay(store, wf._key, process.stderr) : undefined;
    const stopped = new Promise<void>((resolve) => shutdown.signal.addEventListener('abort', () => resolve()));
    const over = Promise.race([finished, stopped]);
    const refusal = await Promise.race([over.then(() => undefined), firstRefusal(store, wf._key, over)]);
    if (refusal !== undefined) {
      // Slurm refused the very first submission (an account, QoS or partition it will not take):
      // waiting would wait for ever. Nothing was left submitted.
      await services.apiFetch!(`${services.apiUrl}/api/v1/workflows/${wf._key}/cancel`, { method: 'POST' });
      await progress?.stop();
      throw new ProviderError(refusal, { provider: 'slurm', workflow: wf._key });
    }
    const ended = Date.now();
    await progress?.stop();

    let released: number | undefined;
    const interrupted = shutdown.signal.aborted;
    if (interrupted) {
      // Stopped: nodes are given back now, not once their workers have noticed.
      await cancelRun(services, wf._key, shutdown);
    } else {
      released = await waitForRelease(services, store, wf._key, logger, shutdown);
    }
    shutdown.begin('workflow ended');
    const report = await buildRunReport(store, wf._key);
    const allocations = await listAllocations(store, wf._key);
    const figures = {
      first_job_running_s: await firstJobRunning(store, wf._key, started),
      allocations_released_s: released === undefined ? null : (released - ended) / 1000,
      allocations: buildAllocationReport(allocations, [], []).total.allocations,
    };
    process.stdout.write(
      flags.json
        ? JSON.stringify({ ...report, slurm: figures, warnings: flags.warnings ?? [] }, null, 2) + '\n'
        : formatRunReport(report) +
            `${figures.allocations} allocations; first job running ${figures.first_job_running_s ?? '-'} s after start; ` +
            `allocations released ${figures.allocations_released_s ?? 'not all'} s after the last job ended\n`,
    );
    const allCompleted = report.jobs.every((j) => j.status === 'completed' || j.status === 'disabled');
    code = allCompleted && !interrupted && released !== undefined ? EXIT_OK : EXIT_FAILED;
  } finally {
    shutdown.begin('run ended');
    problems.push(...(await shutdown.step('stopping the services', async () => (await services?.stop()) ?? [])));
    // Last: the services above use it until they are stopped.
    await shutdown.step('stopping the private redis-server', () => redis?.stop());
  }
  return shutdown.finish(problems.length > 0 ? EXIT_FAILED : code, problems.join('; ') || undefined);
}

/** Cancel the workflow (queued jobs leave the queues, workers terminate running ones) and its allocations. */
async function cancelRun(services: Services, workflow: string, shutdown: GracefulShutdown): Promise<void> {
  await shutdown.step('canceling the workflow', async () => {
    const res = await services.apiFetch!(`${services.apiUrl}/api/v1/workflows/${workflow}/cancel`, { method: 'POST' });
    await res.body?.cancel();
  });
  await shutdown.step('canceling the allocations', () =>
    services.provisioner!.release(workflow, 'the run was stopped'),
  );
}

/**
 * The message of the first refused submission, when it comes before any allocation was
 * accepted; never resolves otherwise (or once `done` settles).
 */
async function firstRefusal(store: GraphStore, workflow: string, done: Promise<void>): Promise<string | undefined> {
  let over = false;
  void done.then(() => (over = true));
  while (!over) {
    const all = await listAllocations(store, workflow);
    if (all.some((a) => a.provider_id !== undefined)) return new Promise<never>(() => undefined);
    const failed = all.find((a) => a.state === 'ended' && a.reason === 'failed');
    if (failed) return failed.message ?? `allocation ${failed._key} was refused`;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/** Fail fast, naming the jobs and why, when a job fits no scheduler. */
async function refuseUnplaceable(store: GraphStore, workflow: string, logger: Logger): Promise<void> {
  const providers = new ProviderRegistry();
  try {
    const schedulers = (await store.listDocuments(workflow, 'schedulers', { limit: 10_000 })).items as SchedulerDoc[];
    const shaped = [];
    for (const s of schedulers) {
      await providers.get(s.type).validate(s);
      // Reaches the provider's commands (squeue): a missing Slurm or a controller down is said now.
      await providers.get(s.type).list({ workflow });
      shaped.push({
        key: s._key,
        name: s.name,
        nodes: s.nodes ?? 1,
        walltime_s: s.walltime_s,
        node: await providers.nodeShape(s),
      });
    }
    const scheduledBy = new Map(
      (await store.listEdges(workflow, 'scheduled_by', { limit: 10_000 })).items.map((e) => [
        e._from,
        e._to.split('/')[1]!,
      ]),
    );
    const jobs = await store.listJobResources(workflow);
    const doc = await store.getWorkflow(workflow);
    const buffer = Number(doc.compute_node_expiration_buffer_seconds ?? 60);
    const unplaceable: UnrunnableJob[] = [];
    for (const j of jobs) {
      const scheduler = scheduledBy.get(`jobs/${j.job}`);
      const demand = [
        { ...(scheduler && { scheduler }), resources: j.resources, blocked: 0, ready: 1, queued: 0, running: 0 },
      ];
      const [u] = decideScaling({ schedulers: shaped, demand, allocations: [], now: 0, bufferS: buffer }).unplaceable;
      if (u) unplaceable.push({ job: j.job, name: j.name, reason: u.reason });
    }
    if (unplaceable.length === 0) return;
    logger.debug({ unplaceable }, 'jobs fit no scheduler');
    throw await refuseUnrunnableJobs(store, workflow, 'on Slurm', unplaceable, 'fits no scheduler');
  } finally {
    await providers.close();
  }
}

async function listAllocations(store: GraphStore, workflow: string): Promise<AllocationDoc[]> {
  return (await store.listDocuments(workflow, 'allocations', { limit: 10_000 })).items as AllocationDoc[];
}

/**
 * Wait until every allocation has ended (workers exit with the workflow; the provisioner
 * records the ends), then cancel what is left. @returns when the last one ended, or
 * undefined when some had to be canceled.
 */
async function waitForRelease(
  services: Services,
  store: GraphStore,
  workflow: string,
  logger: Logger,
  shutdown: GracefulShutdown,
): Promise<number | undefined> {
  const deadline = Date.now() + RELEASE_DEADLINE_MS;
  for (;;) {
    services.provisioner!.full();
    await services.provisioner!.whenIdle();
    const live = (await listAllocations(store, workflow)).filter((a) => a.state !== 'ended');
    if (live.length === 0) return Date.now();
    if (shutdown.signal.aborted) {
      await shutdown.step('canceling the allocations', () =>
        services.provisioner!.release(workflow, 'the run was stopped'),
      );
      return undefined;
    }
    if (Date.now() > deadline) {
      logger.warn(
        { live: live.map((a) => a._key) },
        'allocations still alive after the workflow ended; canceling them',
      );
      await services.provisioner!.release(workflow, 'still alive after the workflow ended');
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Seconds from `started` to the first `job_started` event. */
async function firstJobRunning(store: GraphStore, workflow: string, started: number): Promise<number | null> {
  const events = await store.listDocuments(workflow, 'events', { filter: { type: 'job_started' }, limit: 1 });
  const first = events.items[0];
  return first ? (Date.parse(first.timestamp as string) - started) / 1000 : null;
}
