/** The implementation of `jobgraph run` (see commands/run.ts), loaded only when it runs. */
import { loadConfig } from '../core/config.js';
import { UnsatisfiableError } from '../core/errors.js';
import type { WorkflowBundle } from '../core/model.js';
import { createLogger } from '../core/logger.js';
import { startPrivateRedis, type PrivateRedis } from '../queue/private-redis.js';
import { findUnsatisfiableJobs } from '../scheduler/find-unsatisfiable-jobs.js';
import { startWorkflow } from '../scheduler/start-workflow.js';
import { startWorker } from '../worker/worker.js';
import { startProgressDisplay } from './progress-display.js';
import { capacityFrom, type ResourceFlags } from './resource-flags.js';
import { buildRunReport, formatRunReport } from './run-report.js';
import { startServices, type Services } from './services.js';

export interface RunFlags extends ResourceFlags {
  json?: boolean;
  db?: string;
}

/** Run `bundle` (from readSpecFile) to its end on this machine; the exit status. */
export async function runSpec(bundle: WorkflowBundle, flags: RunFlags): Promise<number> {
  // The embedded API listens on an ephemeral loopback port: two runs never collide.
  const config = loadConfig({ JOBGRAPH_DB: flags.db, JOBGRAPH_HOST: '127.0.0.1', JOBGRAPH_PORT: 0 });
  const logger = createLogger(config.JOBGRAPH_LOG_LEVEL === 'info' ? 'warn' : config.JOBGRAPH_LOG_LEVEL);
  const capacity = await capacityFrom(flags);

  let redis: PrivateRedis | undefined;
  let services: Services | undefined;
  try {
    redis = config.REDIS_URL ? undefined : await startPrivateRedis();
    services = await startServices(config, config.REDIS_URL ?? redis!.url, { api: true, scheduler: true }, logger);
    const { store } = services;
    const wf = await store.createWorkflow(bundle);

    const impossible = await findUnsatisfiableJobs(store, wf._key, capacity);
    if (impossible.length > 0) {
      await store.failJobs(
        wf._key,
        impossible.map((j) => j.job),
        'requirements exceed the local worker',
      );
      throw new UnsatisfiableError(
        `workflow ${wf._key} cannot run here: ` + impossible.map((j) => `job "${j.name}" ${j.reason}`).join('; '),
        {
          workflow: wf._key,
          jobs: impossible.map((j) => j.name),
          // One problem per job, so that the CLI prints each on its own line.
          issues: impossible.map((j) => ({ path: `job "${j.name}"`, message: j.reason })),
        },
      );
    }

    await startWorkflow({ store, scheduler: services.scheduler! }, wf._key);
    const worker = await startWorker({
      apiUrl: services.apiUrl!,
      apiFetch: services.apiFetch,
      ...capacity,
      workflow: wf._key,
      cwd: process.cwd(),
      logger,
      terminateGraceMs: config.JOBGRAPH_TERMINATE_GRACE_MS,
    });
    const progress =
      !flags.json && process.stderr.isTTY ? startProgressDisplay(store, wf._key, process.stderr) : undefined;
    const onSignal = () => void worker.stop('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const workerCode = await worker.done;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await progress?.stop();
    // The worker exits on the workflow's end; make sure completion is recorded before reporting.
    await store.finishWorkflowIfDone(wf._key);

    const report = await buildRunReport(store, wf._key);
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatRunReport(report));
    const allCompleted = report.jobs.every((j) => j.status === 'completed' || j.status === 'disabled');
    return allCompleted && workerCode === 0 ? 0 : 1;
  } finally {
    await services?.stop();
    await redis?.stop();
  }
}
