/**
 * The batch script of one allocation. Everything jobgraph interpolates is shell-quoted; the
 * `#SBATCH` lines come first (sbatch stops reading them at the first command).
 *
 * The workers are started with `exec` so that the signal Slurm sends at the time limit or on
 * `scancel` (SIGTERM, then SIGKILL after KillWait) reaches the worker itself, which stops
 * taking jobs and reports the attempts it interrupts.
 */
import { join } from 'node:path';
import type { AllocationRequest } from '../provider.js';
import { shellJoin, shellQuote } from '../shell-words.js';
import { workerEnvironment, workerStartArgs } from '../worker-args.js';
import { slurmJobName } from './job-name.js';
import { sbatchOptions } from './sbatch-options.js';

/** Where an allocation's files go: `<outputDir>/<allocation>.sbatch` and `<outputDir>/<allocation>-<job id>.out`. */
export function scriptPath(request: AllocationRequest): string {
  return join(request.worker.outputDir, `${request.allocation}.sbatch`);
}

/** The output file of the Slurm job `jobId` (stdout and stderr of the script and its workers). */
export function outputPath(request: AllocationRequest, jobId: string): string {
  return join(request.worker.outputDir, `${request.allocation}-${jobId}.out`);
}

/** One `#SBATCH` line; sbatch strips double quotes around a value, which keeps spaces in it. */
function directive(name: string, value: string | true): string {
  if (value === true) return `#SBATCH --${name}`;
  return `#SBATCH --${name}=${/\s/.test(value) ? `"${value}"` : value}`;
}

/** The full script text. The request is assumed valid (validateAllocationRequest, validateSlurmScheduler). */
export function sbatchScript(request: AllocationRequest): string {
  const { scheduler, worker } = request;
  const nodes = request.nodes ?? scheduler.nodes ?? 1;
  const options = sbatchOptions(scheduler, { nodes, walltime_s: request.walltime_s });
  // `%` starts a Slurm file-name pattern (%j is the job id); a literal one is `%%`.
  const output = join(worker.outputDir.replaceAll('%', '%%'), `${request.allocation}-%j.out`);
  const lines = [
    '#!/bin/bash',
    `# jobgraph allocation ${request.allocation} of workflow ${request.workflow}, scheduler ${JSON.stringify(scheduler.name)}`,
    directive('job-name', slurmJobName(request.allocation)),
    directive('output', output),
    ...[...options].map(([name, value]) => directive(name, value)),
  ];
  if (typeof scheduler.extra === 'string' && scheduler.extra.trim() !== '')
    lines.push(`#SBATCH ${scheduler.extra.trim()}`);
  lines.push('');
  for (const [name, value] of Object.entries(workerEnvironment(request)))
    lines.push(`export ${name}=${shellQuote(value)}`);
  lines.push(`cd ${shellQuote(worker.cwd)}`);

  const perNode = (worker.perNode ?? true) && nodes > 1;
  const args = workerStartArgs(request, { nodes: perNode ? undefined : nodes });
  // srun would otherwise take the task count from the job (SLURM_NTASKS with ntasks_per_node
  // > 1) and start several workers per node: ask for exactly one per node.
  const srun = ['srun', '--ntasks-per-node=1', `--nodes=${nodes}`, `--ntasks=${nodes}`, '--kill-on-bad-exit=0'];
  lines.push(`exec ${perNode ? `${srun.join(' ')} ` : ''}${shellJoin([...worker.command, ...args])}`, '');
  return lines.join('\n');
}
