/**
 * Checks every provider makes on an allocation request before it starts anything: the parts
 * that come from the provisioner rather than from the user's scheduler settings.
 */
import { isAbsolute } from 'node:path';
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { ALLOCATION_KEY } from './allocation-names.js';
import type { AllocationRequest } from './provider.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** @throws ValidationError naming each bad field of the request (`allocation`, `nodes`, `worker.command`, …) */
export function validateAllocationRequest(request: AllocationRequest): void {
  const issues: FieldIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  if (!ALLOCATION_KEY.test(request.allocation)) bad('allocation', 'must be letters, digits, "_", "." or "-"');
  if (request.nodes !== undefined && !(Number.isInteger(request.nodes) && request.nodes >= 1))
    bad('nodes', 'must be a whole number of at least 1');
  if (request.walltime_s !== undefined && !(Number.isFinite(request.walltime_s) && request.walltime_s > 0))
    bad('walltime_s', 'must be a positive number of seconds');
  const w = request.worker;
  if (w.command.length === 0 || w.command.some((word) => word === '')) bad('worker.command', 'must be non-empty words');
  if (!isAbsolute(w.outputDir)) bad('worker.outputDir', 'must be an absolute path');
  if (!isAbsolute(w.cwd)) bad('worker.cwd', 'must be an absolute path');
  for (const name of Object.keys(w.env ?? {}))
    if (!ENV_NAME.test(name)) bad(`worker.env.${name}`, 'is not a valid environment variable name');
  for (const [path, value] of [
    ['worker.maxParallelJobs', w.maxParallelJobs],
    ['worker.expirationBufferS', w.expirationBufferS],
    ['worker.idleExitS', w.idleExitS],
  ] as const)
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) bad(path, 'must be a non-negative number');
  if (issues.length > 0) throw new ValidationError(issues);
}
