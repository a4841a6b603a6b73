/**
 * Checks on a Slurm scheduler document before anything is submitted. Slurm itself checks the
 * rest (partition, QoS, limits) at sbatch time, where its refusal becomes a ProviderError.
 */
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import type { SchedulerDoc } from '../../core/model.js';
import type { AllocationRequest } from '../provider.js';
import { validateAllocationRequest } from '../validate-request.js';
import {
  MANAGED_OPTIONS,
  extraOptions,
  optionName,
  sbatchDefaults,
  schedulerOptionFields,
  type SbatchOptions,
} from './sbatch-options.js';
import { parseSlurmMemory } from './slurm-units.js';

/** @throws ValidationError with paths such as `slurm_schedulers.NAME.walltime`, naming the scheduler in its message */
export function validateSlurmScheduler(scheduler: SchedulerDoc): void {
  const at = `slurm_schedulers.${scheduler.name}`;
  const issues: FieldIssue[] = [];
  const bad = (field: string, message: string, path = `${at}.${field}`) => issues.push({ path, message });
  const defaults = sbatchDefaults(scheduler);

  const account = scheduler.account ?? defaults.account;
  if (typeof account !== 'string' || account.trim() === '')
    bad('account', 'account is required (set account: in slurm_schedulers or slurm_defaults, or pass --account)');
  if (!(typeof scheduler.walltime_s === 'number' && scheduler.walltime_s > 0))
    bad('walltime', 'walltime is required and must be positive (e.g. "04:00:00")');
  if (!(Number.isInteger(scheduler.nodes) && scheduler.nodes >= 1)) bad('nodes', 'nodes must be a whole number ≥ 1');
  if (
    scheduler.ntasks_per_node !== undefined &&
    !(Number.isInteger(scheduler.ntasks_per_node) && Number(scheduler.ntasks_per_node) >= 1)
  )
    bad('ntasks_per_node', 'ntasks_per_node must be a whole number ≥ 1');

  const checkValue = (field: string, value: unknown, path: string) => {
    const name = optionName(field);
    if (name === 'nodes' || MANAGED_OPTIONS.includes(name))
      bad(field, `${field} is set by jobgraph (${name === 'time' ? 'use walltime' : `--${name} is its own`})`, path);
    else if (!['string', 'number', 'boolean'].includes(typeof value))
      bad(field, `${field} must be a string, a number or true/false (it becomes --${name})`, path);
    else if (/[\n\r"]/.test(String(value)))
      bad(field, `${field} must not contain a line break or a double quote`, path);
    else if ((name === 'mem' || name === 'mem-per-cpu') && parseSlurmMemory(value as string) === undefined)
      bad(field, `${field} must be a Slurm memory size such as "64G" or 240000 (megabytes)`, path);
  };
  for (const [field, value] of schedulerOptionFields(scheduler)) checkValue(field, value, `${at}.${field}`);
  for (const [field, value] of Object.entries(defaults)) checkValue(field, value, `slurm_defaults.${field}`);

  if (scheduler.extra !== undefined) {
    const extra =
      typeof scheduler.extra === 'string' && !/[\n\r]/.test(scheduler.extra)
        ? extraOptions(scheduler.extra)
        : undefined;
    if (!extra) bad('extra', 'extra must be one line of sbatch arguments with balanced quotes');
    else checkExtra(extra, (message) => bad('extra', message));
  }
  if (issues.length > 0)
    throw new ValidationError(
      issues,
      `slurm scheduler "${scheduler.name}": ${issues.map((i) => i.message).join('; ')}`,
    );
}

function checkExtra(extra: SbatchOptions, bad: (message: string) => void): void {
  for (const name of extra.keys())
    if (name === 'nodes' || MANAGED_OPTIONS.includes(name))
      bad(
        `extra must not set --${name}: jobgraph sets it (${name === 'time' ? 'use walltime' : name === 'nodes' ? 'use nodes' : 'its own'})`,
      );
  for (const name of ['mem', 'mem-per-cpu']) {
    const value = extra.get(name);
    if (value !== undefined && (value === true || parseSlurmMemory(value) === undefined))
      bad(`extra: --${name} must be a Slurm memory size such as 64G`);
  }
}

/** A whole Slurm allocation request: the request's own fields, its scheduler, and an output directory sbatch can name. */
export function validateSlurmRequest(request: AllocationRequest): void {
  validateAllocationRequest(request);
  if (/[\n\r"]/.test(request.worker.outputDir))
    throw new ValidationError([
      { path: 'worker.outputDir', message: 'must not contain a line break or a double quote' },
    ]);
  validateSlurmScheduler(request.scheduler);
}
