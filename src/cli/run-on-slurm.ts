/**
 * `jobgraph run SPEC --slurm`: a whole workflow on a Slurm cluster from a login node. The
 * server runs here (API, scheduler, provisioner; SQLite in ./.jobgraph/, a private Redis unless
 * REDIS_URL is set); the workers run in allocations the provisioner submits as the backlog
 * needs them (auto-scaling). Exits when the workflow has ended and every allocation is
 * released: 0 only if every job completed. Ctrl-C cancels the workflow and its allocations.
 */
import { hostname } from 'node:os';
import { loadConfig } from '../core/config.js';
import { UnsatisfiableError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { AllocationDoc, SchedulerDoc, WorkflowBundle } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { ProviderRegistry } from '../provision/provider-registry.js';
import { decideScaling } from '../provision/scaling-policy.js';
import { startPrivateRedis, type PrivateRedis } from '../queue/private-redis.js';
import { startWorkflow } from '../scheduler/start-workflow.js';
import { buildAllocationReport } from './allocation-report.js';
import { startProgressDisplay } from './progress-display.js';
import { buildRunReport, formatRunReport } from './run-report.js';
import { startServices, type Services } from './services.js';
import { applySlurmSettings, type SlurmRunSettings } from './slurm-run-schedulers.js';

export interface SlurmRunFlags extends SlurmRunSettings {
  json?: boolean;
  db?: string;
  /** API (and private Redis) listen address; the nodes must reach it. @default 127.0.0.1 */
  host?: string;
}

/** How long after the workflow's end the allocations may take to release their nodes. */
const RELEASE_DEADLINE_MS = 120_000;
const WIDE = new Set(['0.0.0.0', '::']);

export async function runOnSlurm(spec: WorkflowBundle, flags: SlurmRunFlags): Promise<number> {
  const host = flags.host ?? '127.0.0.1';
  const base = loadConfig({ JOBGRAPH_DB: flags.db, JOBGRAPH_HOST: host, JOBGRAPH_PORT: 0 });
  const logger = createLogger(base.JOBGRAPH_LOG_LEVEL === 'info' ? 'warn' : base.JOBGRAPH_LOG_LEVEL);
  const bundle = applySlurmSettings(spec, flags);

  let redis: PrivateRedis | undefined;
  let services: Services | undefined;
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
      onWorkflowFinished: (wf) => {
        if (wf._key === bundle.workflow._key) finish();
      },
    });
    const { store } = services;
    const wf = await store.createWorkflow(bundle);
    await refuseUnplaceable(store, wf._key, logger);
    await store.updateWorkflow(wf._key, {
      auto_scale: flags.max_allocations !== undefined ? { max_allocations: flags.max_allocations } : true,
    });
    const started = Date.now();
    await startWorkflow({ store, scheduler: services.scheduler! }, wf._key);
    services.provisioner!.poke([wf._key]);
    process.stderr.write(
      `jobgraph run --slurm: workflow ${wf._key}, API ${services.apiUrl}; waiting for allocations\n`,
    );

    const progress =
      !flags.json && process.stderr.isTTY ? startProgressDisplay(store, wf._key, process.stderr) : undefined;
    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
      void services!.apiFetch!(`${services!.apiUrl}/api/v1/workflows/${wf._key}/cancel`, { method: 'POST' });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    await finished;
    const ended = Date.now();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await progress?.stop();

    const released = await waitForRelease(services, store, wf._key, logger);
    const report = await buildRunReport(store, wf._key);
    const allocations = await listAllocations(store, wf._key);
    const figures = {
      first_job_running_s: await firstJobRunning(store, wf._key, started),
      allocations_released_s: released === undefined ? null : (released - ended) / 1000,
      allocations: buildAllocationReport(allocations, [], []).total.allocations,
    };
    process.stdout.write(
      flags.json
        ? JSON.stringify({ ...report, slurm: figures }, null, 2) + '\n'
        : formatRunReport(report) +
            `${figures.allocations} allocations; first job running ${figures.first_job_running_s ?? '-'} s after start; ` +
            `allocations released ${figures.allocations_released_s ?? 'not all'} s after the last job ended\n`,
    );
    const allCompleted = report.jobs.every((j) => j.status === 'completed' || j.status === 'disabled');
    return allCompleted && !interrupted && released !== undefined ? 0 : 1;
  } finally {
    await services?.stop();
    await redis?.stop();
  }
}

/** Fail fast, naming the jobs and why, when a job fits no scheduler. */
async function refuseUnplaceable(store: GraphStore, workflow: string, logger: Logger): Promise<void> {
  const providers = new ProviderRegistry();
  try {
    const schedulers = (await store.listDocuments(workflow, 'schedulers', { limit: 10_000 })).items as SchedulerDoc[];
    const shaped = [];
    for (const s of schedulers) {
      await providers.get(s.type).validate(s);
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
    const unplaceable: Array<{ job: string; name: string; reason: string }> = [];
    for (const j of jobs) {
      const scheduler = scheduledBy.get(`jobs/${j.job}`);
      const demand = [
        { ...(scheduler && { scheduler }), resources: j.resources, blocked: 0, ready: 1, queued: 0, running: 0 },
      ];
      const [u] = decideScaling({ schedulers: shaped, demand, allocations: [], now: 0, bufferS: buffer }).unplaceable;
      if (u) unplaceable.push({ job: j.job, name: j.name, reason: u.reason });
    }
    if (unplaceable.length === 0) return;
    await store.failJobs(
      workflow,
      unplaceable.map((u) => u.job),
      'fits no scheduler',
    );
    logger.debug({ unplaceable }, 'jobs fit no scheduler');
    throw new UnsatisfiableError(
      `workflow ${workflow} cannot run on Slurm: ` +
        unplaceable
          .slice(0, 5)
          .map((u) => `job "${u.name}" ${u.reason}`)
          .join('; ') +
        (unplaceable.length > 5 ? `; … and ${unplaceable.length - 5} more jobs` : ''),
      {
        workflow,
        jobs: unplaceable.map((u) => u.name),
        // One problem per job, so that the CLI prints each on its own line.
        issues: unplaceable.map((u) => ({ path: `job "${u.name}"`, message: u.reason })),
      },
    );
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
): Promise<number | undefined> {
  const deadline = Date.now() + RELEASE_DEADLINE_MS;
  for (;;) {
    services.provisioner!.full();
    await services.provisioner!.whenIdle();
    const live = (await listAllocations(store, workflow)).filter((a) => a.state !== 'ended');
    if (live.length === 0) return Date.now();
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
