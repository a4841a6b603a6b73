import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { slurmRequest, slurmScheduler } from './test-schedulers.js';
import { validateSlurmRequest, validateSlurmScheduler } from './validate-slurm-scheduler.js';

function issuesOf(fields: Record<string, unknown>) {
  try {
    validateSlurmScheduler(slurmScheduler(fields));
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues;
  }
  return [];
}

describe('validateSlurmScheduler', () => {
  it('accepts a complete scheduler', () => expect(issuesOf({ partition: 'debug', mem: '64G' })).toEqual([]));

  it('requires an account, naming the scheduler and where to set it', () => {
    expect(() => validateSlurmScheduler(slurmScheduler({ account: undefined }))).toThrow(
      'slurm scheduler "short": account is required (set account: in slurm_schedulers or slurm_defaults, or pass --account)',
    );
    expect(issuesOf({ account: undefined })[0]!.path).toBe('slurm_schedulers.short.account');
    expect(issuesOf({ account: undefined, sbatch_defaults: { account: 'dflt' } })).toEqual([]);
  });

  it.each([
    [{ walltime_s: undefined, walltime: undefined }, 'slurm_schedulers.short.walltime'],
    [{ walltime_s: 0 }, 'slurm_schedulers.short.walltime'],
    [{ nodes: 0 }, 'slurm_schedulers.short.nodes'],
    [{ nodes: 1.5 }, 'slurm_schedulers.short.nodes'],
    [{ mem: '1.5G' }, 'slurm_schedulers.short.mem'],
    [{ mem: 'lots' }, 'slurm_schedulers.short.mem'],
    [{ ntasks_per_node: 0 }, 'slurm_schedulers.short.ntasks_per_node'],
    [{ job_name: 'mine' }, 'slurm_schedulers.short.job_name'],
    [{ output: '/tmp/x' }, 'slurm_schedulers.short.output'],
    [{ time: '01:00:00' }, 'slurm_schedulers.short.time'],
    [{ constraint: 'a\nb' }, 'slurm_schedulers.short.constraint'],
    [{ constraint: ['a'] }, 'slurm_schedulers.short.constraint'],
    [{ extra: '--comment="open' }, 'slurm_schedulers.short.extra'],
    [{ extra: '-J other' }, 'slurm_schedulers.short.extra'],
    [{ extra: '--nodes=3' }, 'slurm_schedulers.short.extra'],
    [{ extra: '--mem=much' }, 'slurm_schedulers.short.extra'],
    [{ sbatch_defaults: { output: '/x' } }, 'slurm_defaults.output'],
  ])('rejects %j at %s', (fields, path) => expect(issuesOf(fields).map((i) => i.path)).toContain(path));

  it('accepts mem as megabytes and 0 (all of a node)', () => {
    expect(issuesOf({ mem: 240000 })).toEqual([]);
    expect(issuesOf({ mem: '0' })).toEqual([]);
  });
});

describe('validateSlurmRequest', () => {
  it('checks the request as well as its scheduler', () => {
    expect(() => validateSlurmRequest(slurmRequest({}, { allocation: 'a b' }))).toThrow(/allocation/);
    const request = slurmRequest();
    request.worker.outputDir = '/tmp/a"b';
    expect(() => validateSlurmRequest(request)).toThrow(/worker.outputDir/);
    expect(() => validateSlurmRequest(slurmRequest())).not.toThrow();
  });
});
