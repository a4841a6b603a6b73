/**
 * The `jobgraph worker start …` arguments every provider appends to `WorkerLaunch.command`,
 * built in one place so that the local, Slurm and AWS adapters start identical workers.
 */
import type { AllocationRequest } from './provider.js';

/** What a provider adds for its kind of node. */
export interface WorkerSizing {
  /** One worker serves a whole multi-node allocation of this many nodes. */
  nodes?: number;
  /** Size the worker explicitly (local processes); Slurm workers size themselves from their environment. */
  cpus?: number;
  memoryBytes?: number;
  gpus?: number;
}

/** `worker start --api URL --workflow WF --allocation KEY …` for one allocation's workers. */
export function workerStartArgs(request: AllocationRequest, sizing: WorkerSizing = {}): string[] {
  const w = request.worker;
  const args = [
    'worker',
    'start',
    '--api',
    w.apiUrl,
    '--workflow',
    request.workflow,
    '--allocation',
    request.allocation,
  ];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('--max-parallel-jobs', w.maxParallelJobs);
  add('--expiration-buffer', w.expirationBufferS);
  add('--idle-exit', w.idleExitS);
  if (w.ignoreWorkflowCompletion) args.push('--ignore-workflow-completion');
  add('--cwd', w.cwd);
  if (sizing.nodes !== undefined && sizing.nodes > 1) add('--nodes', sizing.nodes);
  add('--cpus', sizing.cpus);
  // With its unit: `worker start --mem` refuses a bare number.
  add('--mem', sizing.memoryBytes === undefined ? undefined : `${sizing.memoryBytes}b`);
  add('--gpus', sizing.gpus);
  return args;
}

/**
 * The environment of every worker of an allocation: the launch's own, the allocation it
 * belongs to, and its token as `JOBGRAPH_TOKEN` — in the environment rather than on the
 * command line, where `ps` on a shared node would show it to every user.
 */
export function workerEnvironment(request: AllocationRequest): Record<string, string> {
  return {
    ...request.worker.env,
    JOBGRAPH_ALLOCATION: request.allocation,
    ...(request.worker.token !== undefined && { JOBGRAPH_TOKEN: request.worker.token }),
  };
}
