import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { slurmRequest } from './slurm/test-schedulers.js';
import { validateAllocationRequest } from './validate-request.js';
import type { AllocationRequest } from './provider.js';

function paths(request: AllocationRequest): string[] {
  try {
    validateAllocationRequest(request);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.path);
  }
}

describe('validateAllocationRequest', () => {
  it('accepts a good request', () => expect(paths(slurmRequest())).toEqual([]));

  it('names each bad field', () => {
    const request = slurmRequest({}, { allocation: 'wf1 a1; rm', nodes: 0, walltime_s: -5 });
    request.worker = {
      ...request.worker,
      command: [],
      cwd: 'rel',
      outputDir: 'out',
      env: { 'A-B': 'x' },
      idleExitS: -1,
    };
    expect(paths(request)).toEqual([
      'allocation',
      'nodes',
      'walltime_s',
      'worker.command',
      'worker.outputDir',
      'worker.cwd',
      'worker.env.A-B',
      'worker.idleExitS',
    ]);
  });
});
