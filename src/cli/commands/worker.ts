/** `jobgraph worker start`: a worker for one compute node, sized by flags or by the machine. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { addResourceFlags, capacityFrom, type ResourceFlags } from '../resource-flags.js';

interface WorkerFlags extends ResourceFlags {
  api?: string;
  workflow?: string;
  cwd?: string;
  logDir?: string;
}

export function workerCommand(): Command {
  const worker = new Command('worker').description('run jobs on this compute node');
  const start = worker
    .command('start')
    .description('start a worker that pulls jobs fitting its free CPUs, memory and GPUs')
    .option('--api <url>', 'API base URL (env JOBGRAPH_API, default http://127.0.0.1:8080)');
  addResourceFlags(start, 'to offer')
    .option('--workflow <key>', 'serve only this workflow and exit 0 once it is finished')
    .option('--cwd <dir>', 'working directory for jobs (default: current directory)')
    .option('--log-dir <dir>', 'where stdout/stderr of each attempt go (default: <cwd>/.jobgraph/logs)')
    .action(async (flags: WorkerFlags) => {
      const config = loadConfig({ JOBGRAPH_API: flags.api });
      // Loaded on use: the client commands need none of the worker code.
      const [{ runWorker }, capacity] = await Promise.all([import('../../worker/worker.js'), capacityFrom(flags)]);
      const code = await runWorker({
        apiUrl: config.JOBGRAPH_API,
        terminateGraceMs: config.JOBGRAPH_TERMINATE_GRACE_MS,
        ...capacity,
        workflow: flags.workflow,
        cwd: flags.cwd ? resolve(flags.cwd) : undefined,
        logDir: flags.logDir ? resolve(flags.logDir) : undefined,
        logger: createLogger(config.JOBGRAPH_LOG_LEVEL).child({ role: 'worker' }),
      });
      process.exitCode = code;
    });
  return worker;
}
