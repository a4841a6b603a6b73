/**
 * The implementation of `jobgraph run` (see commands/run.ts), loaded only when it runs.
 *
 * Stopping (a signal, or the workflow's end) goes in dependency order, each step bounded by
 * the shutdown's deadline: the worker first (its jobs terminated, their reports flushed through
 * the API), then the API and the scheduler, and the private redis-server last — everything
 * above uses it until then.
 */
import { loadConfig } from '../core/config.js';
import type { WorkflowBundle } from '../core/model.js';
import { createLogger } from '../core/logger.js';
import { plural } from '../core/plural.js';
import { startPrivateRedis, type PrivateRedis } from '../queue/private-redis.js';
import { startSpawnHelper, type SpawnHelper } from '../worker/spawn-helper.js';
import type { WorkerHandle } from '../worker/worker.js';
import { EXIT_FAILED, EXIT_OK, GracefulShutdown } from './graceful-shutdown.js';
import { capacityFrom, type ResourceFlags } from './resource-flags.js';
import type { Services } from './services.js';

export interface RunFlags extends ResourceFlags {
  json?: boolean;
  db?: string;
  /** The spec's warnings (read-spec-file.ts), printed already; `--json` reports them too. */
  warnings?: string[];
}

/** Run `bundle` (from readSpecFile) to its end on this machine; the exit status. */
export async function runSpec(bundle: WorkflowBundle, flags: RunFlags): Promise<number> {
  // The embedded API listens on an ephemeral loopback port: two runs never collide.
  const config = loadConfig({ JOBGRAPH_DB: flags.db, JOBGRAPH_HOST: '127.0.0.1', JOBGRAPH_PORT: 0 });
  // Before anything is started: a Ctrl-C from here on stops what was started.
  const shutdown = new GracefulShutdown({
    name: 'jobgraph run',
    deadlineMs: config.JOBGRAPH_SHUTDOWN_MS + config.JOBGRAPH_TERMINATE_GRACE_MS,
  });
  const logger = createLogger(config.JOBGRAPH_LOG_LEVEL === 'info' ? 'warn' : config.JOBGRAPH_LOG_LEVEL);
  // Detected while Redis and the services start (GPU probing takes ~0.5 s): the first line
  // does not wait for it. Awaited below; the catch only keeps an early failure from being unhandled.
  const detecting = capacityFrom(flags, logger);
  detecting.catch(() => undefined);
  // The processes the run needs start first — the worker's spawn helper and the private
  // redis-server, ~0.05 s each to be ready — and the code that uses them loads meanwhile
  // (run-spec-parts.ts). The catches only keep an early failure from being unhandled.
  let spawnHelper: Promise<SpawnHelper> | undefined = startSpawnHelper({ prefer: config.JOBGRAPH_SPAWN_HELPER });
  spawnHelper.catch(() => undefined);
  const redisStarting = config.REDIS_URL ? undefined : startPrivateRedis();
  redisStarting?.catch(() => undefined);
  const loading = import('./run-spec-parts.js');
  loading.catch(() => undefined);

  let redis: PrivateRedis | undefined;
  let services: Services | undefined;
  let worker: WorkerHandle | undefined;
  let code: number;
  const problems: string[] = [];
  try {
    redis = await redisStarting;
    const {
      apiRequest,
      buildRunReport,
      findUnsatisfiableJobs,
      formatRunReport,
      refuseUnrunnableJobs,
      resumeHint,
      startProgressDisplay,
      startServices,
      startWorker,
      startWorkflow,
      workerLogDir,
      writeCompletionPlots,
    } = await loading;
    services = await startServices(config, config.REDIS_URL ?? redis!.url, { api: true, scheduler: true }, logger, {
      shutdown,
    });
    const { store } = services;
    const wf = await store.createWorkflow(bundle);
    const capacity = await detecting;

    const impossible = await findUnsatisfiableJobs(store, wf._key, capacity);
    if (impossible.length > 0)
      throw await refuseUnrunnableJobs(store, wf._key, 'here', impossible, 'requirements exceed the local worker');
    // The first sign of life (stderr: stdout is the report), once the workflow can run here;
    // --json runs stay quiet.
    if (!flags.json) {
      const jobs = plural(bundle.documents.jobs?.length ?? 0, 'job');
      process.stderr.write(`workflow ${wf._key} (${wf.name}) created: ${jobs}\n`);
    }

    let workerCode = EXIT_OK;
    if (!shutdown.signal.aborted) {
      await startWorkflow({ store, scheduler: services.scheduler! }, wf._key);
      const helper = spawnHelper;
      spawnHelper = undefined; // the worker owns it now
      const started = await startWorker({
        apiUrl: services.apiUrl!,
        apiFetch: services.apiFetch,
        inProcessApi: services.workerApi,
        notifier: services.notifier,
        spawnHelper: helper,
        ...capacity,
        workflow: wf._key,
        cwd: process.cwd(),
        logger,
        terminateGraceMs: config.JOBGRAPH_TERMINATE_GRACE_MS,
        closing: shutdown.signal,
      }).catch((err: unknown) => {
        if (shutdown.signal.aborted) return undefined; // stopped while it started
        throw err;
      });
      worker = started;
      if (started) {
        const progress =
          !flags.json && process.stderr.isTTY ? startProgressDisplay(store, wf._key, process.stderr) : undefined;
        // Jobs are terminated and reported `terminated` (not interrupted: the user stopped the run).
        const stopWorker = () =>
          void started.stop(`received ${String(shutdown.signal.reason)}`, { flushUntil: shutdown.flushDeadline() });
        if (shutdown.signal.aborted) stopWorker();
        else shutdown.signal.addEventListener('abort', stopWorker, { once: true });
        workerCode = await started.done;
        shutdown.signal.removeEventListener('abort', stopWorker);
        problems.push(...started.problems);
        await progress?.stop();
      }
    }
    // Stopped by a signal (Ctrl-C), not by the workflow's end: say where things stand and how to go on.
    const interrupted = shutdown.signal.aborted ? String(shutdown.signal.reason) : undefined;
    // From here on the run only reports and closes: that is bounded too.
    shutdown.begin('workflow ended');
    // The worker exits on the workflow's end; make sure completion is recorded before reporting.
    await store.finishWorkflowIfDone(wf._key);

    // generate_plots: the report goes beside the jobs' logs (the local worker's log dir).
    if (!interrupted) {
      const call = <T>(method: string, path: string, body?: unknown) =>
        apiRequest<T>(services!.apiUrl!, method, path, body, undefined, services!.apiFetch);
      const plots = await writeCompletionPlots(call, wf._key, workerLogDir({ cwd: process.cwd() })).catch(
        (err: unknown) => {
          problems.push(`could not write the resource plots: ${(err as Error).message}`);
          return undefined;
        },
      );
      if (plots && !flags.json) process.stderr.write(`resource plots: ${plots}\n`);
    }
    const report = await buildRunReport(store, wf._key);
    process.stdout.write(
      flags.json
        ? JSON.stringify({ ...report, warnings: flags.warnings ?? [] }, null, 2) + '\n'
        : formatRunReport(report),
    );
    if (interrupted) process.stderr.write(resumeHint(wf._key, interrupted, flags.db));
    const allCompleted = report.jobs.every((j) => j.status === 'completed' || j.status === 'disabled');
    code = allCompleted && workerCode === EXIT_OK ? EXIT_OK : EXIT_FAILED;
  } finally {
    shutdown.begin('run ended');
    // Never handed to a worker (the run failed or stopped before one started).
    await spawnHelper?.then((helper) => helper.close()).catch(() => undefined);
    // An error above may have left the worker running: it goes first, it uses everything else.
    await shutdown.step('stopping the worker', () =>
      worker?.stop('run ended', { flushUntil: shutdown.flushDeadline() }),
    );
    problems.push(
      ...(await shutdown.step('stopping the API and the scheduler', async () => (await services?.stop()) ?? [])),
    );
    await shutdown.step('stopping the private redis-server', () => redis?.stop());
  }
  return shutdown.finish(problems.length > 0 ? EXIT_FAILED : code, problems.join('; ') || undefined);
}
