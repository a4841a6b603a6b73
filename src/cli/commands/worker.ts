/**
 * `jobgraph worker start`: a worker for one compute node, sized by flags, by the Slurm
 * allocation it runs in, or by the machine. Started by hand or by a provider (Slurm batch
 * script, EC2 user data), which passes the allocation and the workflow's compute-node rules.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { memoryLimitFactorFlag, positiveIntFlag, secondsFlag } from '../flags.js';
import { GracefulShutdown } from '../graceful-shutdown.js';
import { addResourceFlags, type ResourceFlags } from '../resource-flags.js';

export interface WorkerFlags extends ResourceFlags {
  api?: string;
  token?: string;
  workflow?: string;
  cwd?: string;
  logDir?: string;
  allocation?: string;
  nodes?: number;
  maxParallelJobs?: number;
  expirationBuffer?: number;
  idleExit?: number;
  ignoreWorkflowCompletion?: boolean;
  /** `--imds` alone: true (the configured endpoint); with a value: that URL. */
  imds?: boolean | string;
  memoryLimitFactor?: number | 'off';
}

export function workerCommand(): Command {
  const worker = new Command('worker').description('run jobs on this compute node');
  const start = worker
    .command('start')
    .description(
      'start a worker that pulls jobs fitting its free CPUs, memory and GPUs; inside a Slurm allocation it ' +
        'sizes itself from the allocation and takes only jobs that can finish before its walltime',
    )
    .option('--api <url>', 'API base URL (env JOBGRAPH_API, default http://127.0.0.1:8080)')
    .option('--token <token>', 'bearer token for the API (env JOBGRAPH_TOKEN)');
  addResourceFlags(start, 'to offer')
    .option('--workflow <key>', 'serve only this workflow and exit 0 once it is finished')
    .option('--cwd <dir>', 'working directory for jobs (default: current directory)')
    .option('--log-dir <dir>', 'where stdout/stderr of each attempt go (default: <cwd>/.jobgraph/logs)')
    .option('--allocation <key>', 'the allocation that started this worker (set by providers)')
    .option('--nodes <n>', 'nodes this worker offers, for multi-node jobs (default 1)', positiveIntFlag)
    .option('--max-parallel-jobs <n>', 'most jobs running at once', positiveIntFlag)
    .option(
      '--expiration-buffer <seconds>',
      'stop taking jobs this long before the allocation ends (default 0)',
      secondsFlag,
    )
    .option('--idle-exit <seconds>', 'exit after this long with nothing to run (default: never)', secondsFlag)
    .option('--ignore-workflow-completion', 'with --workflow: keep serving after the workflow is finished')
    .option(
      '--memory-limit-factor <n|off>',
      "kill a job using more than n × its requested memory (default 2; a workflow's resource_monitor overrides)",
      memoryLimitFactorFlag,
    )
    .option(
      '--imds [url]',
      'on EC2: record the instance on the compute node and watch instance metadata for Spot interruption ' +
        'notices and rebalance recommendations (url: env AWS_EC2_METADATA_SERVICE_ENDPOINT, default http://169.254.169.254)',
    )
    .action(async (flags: WorkerFlags) => {
      const config = loadConfig({ JOBGRAPH_API: flags.api, JOBGRAPH_TOKEN: flags.token });
      const logger = createLogger(config.JOBGRAPH_LOG_LEVEL).child({ role: 'worker' });
      // Jobs are terminated on shutdown: their grace comes on top of the closing time.
      const shutdown = new GracefulShutdown({
        name: 'jobgraph worker',
        deadlineMs: config.JOBGRAPH_SHUTDOWN_MS + config.JOBGRAPH_TERMINATE_GRACE_MS,
      });
      // Loaded on use: the client commands need none of the worker code.
      const [{ runWorker, workerLogDir }, { workerSetting }] = await Promise.all([
        import('../../worker/worker.js'),
        import('../worker-setting.js'),
      ]);
      const setting = await workerSetting(flags, logger, config);
      const resolved = {
        cwd: flags.cwd ? resolve(flags.cwd) : undefined,
        logDir: flags.logDir ? resolve(flags.logDir) : undefined,
      };
      const end = await runWorker({
        apiUrl: config.JOBGRAPH_API,
        token: config.JOBGRAPH_TOKEN,
        terminateGraceMs: config.JOBGRAPH_TERMINATE_GRACE_MS,
        spawnHelperKind: config.JOBGRAPH_SPAWN_HELPER,
        ...setting,
        workflow: flags.workflow,
        ...resolved,
        allocation: flags.allocation,
        maxParallelJobs: flags.maxParallelJobs,
        idleExitMs: flags.idleExit === undefined ? undefined : flags.idleExit * 1000,
        ignoreWorkflowCompletion: flags.ignoreWorkflowCompletion,
        ...(flags.memoryLimitFactor !== undefined && { memoryLimitFactor: flags.memoryLimitFactor }),
        logger,
        shutdown,
      });
      // generate_plots: the report of a workflow this worker saw to its end.
      if (flags.workflow !== undefined && !flags.ignoreWorkflowCompletion && !shutdown.signal.aborted) {
        const [{ plotIfWorkflowOver }, { apiRequest }] = await Promise.all([
          import('../completion-plots.js'),
          import('../api-request.js'),
        ]);
        const call = <T>(method: string, path: string, body?: unknown) =>
          apiRequest<T>(config.JOBGRAPH_API, method, path, body, config.JOBGRAPH_TOKEN);
        await plotIfWorkflowOver(call, flags.workflow, workerLogDir(resolved), logger);
      }
      process.exitCode = shutdown.finish(end.code, end.problems.join('; ') || undefined);
    });
  return worker;
}
