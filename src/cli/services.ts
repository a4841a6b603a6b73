/**
 * Process composition: the graph store, Redis wiring, the API and the scheduler, started
 * in the roles a command asks for (`server` = api + scheduler, `api`, `scheduler`, and
 * the embedded set `jobgraph run` uses). Stopping closes everything in reverse order, each
 * step named to the process's shutdown (see graceful-shutdown.ts).
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { ApiDeps } from '../api/api-deps.js';
import { createApp } from '../api/app.js';
import { inProcessWorkerApi } from '../api/in-process-worker-api.js';
import { serveApi } from '../api/serve.js';
import { hashToken } from '../core/tokens.js';
import { storeWorkerTokens } from '../provision/worker-tokens.js';
import { fenceMsOf, inheritedEnvironment, type Config } from '../core/config.js';
import { UnavailableError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { openGraphStore } from '../graph/open-graph-store.js';
import { JobProducer } from '../queue/job-producer.js';
import { Notifier } from '../queue/notifications.js';
import { WorkerLiveness } from '../queue/worker-heartbeat.js';
import { ProviderRegistry } from '../provision/provider-registry.js';
import { Provisioner } from '../provision/provisioner.js';
import { workerCommandWords } from '../provision/worker-launch.js';
import type { InProcessWorkerApi } from '../core/schemas/worker-protocol.js';
import { UnfitWaits } from '../scheduler/unfit-waits.js';
import { LostWorkerWatchdog } from '../scheduler/lost-worker-watchdog.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { GracefulShutdown } from './graceful-shutdown.js';

export interface ServiceRoles {
  api: boolean;
  scheduler: boolean;
  /** Get compute for workflows (actions, auto-scaling, requested allocations): decision 0008. */
  provision?: boolean;
}

export interface Services {
  store: GraphStore;
  notifier: Notifier;
  scheduler?: Scheduler;
  provisioner?: Provisioner;
  /** The API's base URL when the api role runs. */
  apiUrl?: string;
  /** The API's request handler when the api role runs: in-process callers skip loopback HTTP. */
  apiFetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** The API's worker operations, called directly, when the api role runs without authentication. */
  workerApi?: InProcessWorkerApi;
  /**
   * Close everything, in reverse order of start; a step that fails does not keep the others
   * from running. Idempotent. @returns one line per step that failed (empty: a clean stop)
   */
  stop(): Promise<string[]>;
}

/** Fail fast with a readable message when Redis is not there (instead of ioredis retrying forever). */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new UnavailableError(`cannot reach Redis at ${url}: ${(err as Error).message}`);
  } finally {
    client.disconnect();
  }
}

/**
 * The API URL other machines use: a wildcard listen address is reached by this machine's name.
 * Undefined when the API does not run here.
 */
export function reachableUrl(url: string | undefined, host: string): string | undefined {
  if (url === undefined) return undefined;
  if (host !== '0.0.0.0' && host !== '::' && host !== '') return url;
  const u = new URL(url);
  u.hostname = hostname();
  return u.toString().replace(/\/$/, '');
}

export interface ServiceOptions {
  /**
   * The process's shutdown: its signal tells every Redis connection, the scheduler and the
   * provisioner to give up as soon as it begins; its steps name what stopping is doing.
   */
  shutdown?: Pick<GracefulShutdown, 'signal' | 'step'>;
  onWorkflowFinished?: (wf: WorkflowDoc) => void;
  /** Working directory of the workers allocations start (and of run_commands actions). @default process.cwd() */
  cwd?: string;
  /**
   * Require tokens on the API and mint worker tokens for allocations (decision 0013).
   * `jobgraph server`/`api`/`scale` pass authRequired(config); `jobgraph run` leaves it off.
   */
  auth?: boolean;
}

export async function startServices(
  config: Config,
  redisUrl: string,
  roles: ServiceRoles,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Services> {
  await assertRedisReachable(redisUrl);
  const closing = options.shutdown?.signal;
  const store = await openGraphStore(config);
  const notifier = new Notifier(redisUrl, config.JOBGRAPH_QUEUE_PREFIX, { closing });
  const stops: Array<{ what: string; stop: () => Promise<void> }> = [
    { what: 'closing the graph store', stop: () => store.close() },
    { what: 'closing the notifier', stop: () => notifier.close() },
  ];
  const step = options.shutdown?.step.bind(options.shutdown) ?? ((_what: string, run: () => Promise<void>) => run());
  const services: Services = {
    store,
    notifier,
    stop: async () => {
      const problems: string[] = [];
      for (const { what, stop } of stops.splice(0).reverse())
        await step(what, stop).catch((err: unknown) => {
          logger.warn({ err }, `shutdown step failed: ${what}`);
          problems.push(`${what} failed: ${(err as Error).message}`);
        });
      return problems;
    },
  };
  try {
    if (roles.scheduler) {
      const producer = new JobProducer({ redisUrl, prefix: config.JOBGRAPH_QUEUE_PREFIX, logger, closing });
      stops.push({ what: 'closing the job producer', stop: () => producer.close() });
      const liveness = new WorkerLiveness(redisUrl, config.JOBGRAPH_QUEUE_PREFIX, { closing });
      stops.push({ what: 'closing the worker liveness connection', stop: () => liveness.close() });
      const watchdog = new LostWorkerWatchdog({
        store,
        liveness,
        // Canceled attempts a live worker has not reported are announced again on each pass.
        notifier,
        logger: logger.child({ role: 'scheduler' }),
        // An expired heartbeat must stay missing one more interval: a flushed Redis is not a dead worker.
        confirmMs: config.JOBGRAPH_HEARTBEAT_MS,
        maxLostReruns: config.JOBGRAPH_MAX_LOST_RERUNS,
      });
      const scheduler = new Scheduler({
        watchdog,
        store,
        producer,
        notifier,
        logger: logger.child({ role: 'scheduler' }),
        reconcileMs: config.JOBGRAPH_RECONCILE_MS,
        reconcileAgeMs: config.JOBGRAPH_RECONCILE_AGE_MS,
        unfit: { waits: new UnfitWaits(config.JOBGRAPH_UNFIT_WAIT_MS), liveness },
        ...(config.JOBGRAPH_QUEUE_FLOOR !== 'unbounded' && {
          promotion: { floor: config.JOBGRAPH_QUEUE_FLOOR, liveness },
        }),
        onWorkflowFinished: options.onWorkflowFinished,
        closing,
      });
      await scheduler.start();
      stops.push({ what: 'stopping the scheduler', stop: () => scheduler.stop() });
      services.scheduler = scheduler;
    }
    if (roles.api) {
      const apiDeps: ApiDeps = {
        store,
        redisUrl: config.JOBGRAPH_WORKER_REDIS_URL ?? redisUrl,
        queuePrefix: config.JOBGRAPH_QUEUE_PREFIX,
        notifier,
        heartbeat: {
          intervalMs: config.JOBGRAPH_HEARTBEAT_MS,
          ttlMs: config.JOBGRAPH_WORKER_TIMEOUT_MS,
          fenceMs: fenceMsOf(config),
        },
        maxLostReruns: config.JOBGRAPH_MAX_LOST_RERUNS,
        limits: {
          maxBodyBytes: config.JOBGRAPH_MAX_BODY_BYTES,
          maxJobs: config.JOBGRAPH_MAX_JOBS,
          maxStringBytes: config.JOBGRAPH_MAX_STRING_BYTES,
        },
        corsOrigins: config.JOBGRAPH_CORS_ORIGINS,
        logger: logger.child({ role: 'api' }),
        ...(options.auth && {
          auth: config.JOBGRAPH_ADMIN_TOKEN ? { adminTokenHash: hashToken(config.JOBGRAPH_ADMIN_TOKEN) } : {},
        }),
      };
      const app = createApp(apiDeps);
      const server = await serveApi(app, {
        host: config.JOBGRAPH_HOST,
        port: config.JOBGRAPH_PORT,
        ...(config.JOBGRAPH_TLS_CERT &&
          config.JOBGRAPH_TLS_KEY && { tls: { certFile: config.JOBGRAPH_TLS_CERT, keyFile: config.JOBGRAPH_TLS_KEY } }),
      });
      stops.push({ what: 'closing the API', stop: () => server.close() });
      services.apiUrl = server.url;
      services.apiFetch = async (url, init) => app.fetch(new Request(url, init));
      if (!apiDeps.auth) services.workerApi = inProcessWorkerApi(apiDeps);
    }
    if (roles.provision) {
      const providers = new ProviderRegistry();
      stops.push({ what: 'closing the providers', stop: () => providers.close() });
      const provisioner = new Provisioner({
        store,
        providers,
        notifier,
        logger: logger.child({ role: 'provisioner' }),
        intervalMs: config.JOBGRAPH_PROVISION_MS,
        avoidPoolMs: config.JOBGRAPH_AWS_AVOID_POOL_MS,
        id: `${hostname()}:${process.pid}`,
        env: inheritedEnvironment(),
        closing,
        ...(options.auth && { workerTokens: storeWorkerTokens(store) }),
        launch: {
          apiUrl:
            config.JOBGRAPH_PUBLIC_API ?? reachableUrl(services.apiUrl, config.JOBGRAPH_HOST) ?? config.JOBGRAPH_API,
          ...(config.JOBGRAPH_TOKEN !== undefined && { token: config.JOBGRAPH_TOKEN }),
          ...(config.JOBGRAPH_WORKER_COMMAND !== undefined && {
            command: workerCommandWords(config.JOBGRAPH_WORKER_COMMAND),
          }),
          cwd: options.cwd ?? process.cwd(),
        },
      });
      await provisioner.start();
      stops.push({ what: 'stopping the provisioner', stop: () => provisioner.stop() });
      services.provisioner = provisioner;
    }
  } catch (err) {
    await services.stop();
    throw err;
  }
  return services;
}
