/**
 * How the workers of an allocation are started: this installation's CLI, the API address the
 * nodes reach, and the workflow's compute-node rules (torc's `compute_node_*` settings).
 */
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { WorkflowDoc } from '../core/model.js';
import { packagePath } from '../core/package-path.js';
import { splitShellWords } from './shell-words.js';
import type { WorkerLaunch } from './provider.js';

/** What every allocation of this provisioner shares. */
export interface LaunchDefaults {
  /** The API URL workers call (reachable from the nodes). */
  apiUrl: string;
  token?: string;
  /** argv that runs the jobgraph CLI on a node. @default this installation (jobgraphCommand()) */
  command?: string[];
  /** Working directory of the workers and their jobs. */
  cwd: string;
  env?: Record<string, string>;
}

/** torc's defaults for the compute-node rules. */
export const DEFAULT_EXPIRATION_BUFFER_S = 60;
export const DEFAULT_IDLE_EXIT_S = 90;

/** The argv that runs this installation's CLI: node and bin/jobgraph.js by absolute path (a shared filesystem). */
export function jobgraphCommand(): string[] {
  return [process.execPath, packagePath('bin', 'jobgraph.js')];
}

/**
 * `JOBGRAPH_WORKER_COMMAND` as argv.
 * @throws ConfigError when the words do not parse (an unclosed quote)
 */
export function workerCommandWords(text: string): string[] {
  const words = splitShellWords(text);
  if (!words || words.length === 0)
    throw new ConfigError([
      { path: 'JOBGRAPH_WORKER_COMMAND', message: 'must be a command line, e.g. /opt/jobgraph/bin/jobgraph.js' },
    ]);
  return words;
}

/** Where a workflow's allocations keep their scripts and output. */
export function allocationOutputDir(cwd: string, workflow: string): string {
  return join(cwd, '.jobgraph', 'allocations', workflow);
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function workerLaunch(
  defaults: LaunchDefaults,
  workflow: WorkflowDoc,
  options: { perNode?: boolean; maxParallelJobs?: number } = {},
): WorkerLaunch {
  return {
    apiUrl: defaults.apiUrl,
    ...(defaults.token !== undefined && { token: defaults.token }),
    command: defaults.command ?? jobgraphCommand(),
    cwd: defaults.cwd,
    outputDir: allocationOutputDir(defaults.cwd, workflow._key),
    perNode: options.perNode ?? true,
    ...(options.maxParallelJobs !== undefined && { maxParallelJobs: options.maxParallelJobs }),
    expirationBufferS: number(workflow.compute_node_expiration_buffer_seconds) ?? DEFAULT_EXPIRATION_BUFFER_S,
    idleExitS: number(workflow.compute_node_wait_for_new_jobs_seconds) ?? DEFAULT_IDLE_EXIT_S,
    ...(workflow.compute_node_ignore_workflow_completion === true && { ignoreWorkflowCompletion: true }),
    ...(defaults.env && { env: defaults.env }),
  };
}
