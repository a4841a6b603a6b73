import { describe, expect, it } from 'vitest';
import { effectiveOptions, extraOptions, sbatchOptions } from './sbatch-options.js';
import { slurmScheduler } from './test-schedulers.js';

describe('sbatchOptions', () => {
  it('maps nodes and walltime, then every other field as --field=value with dashes', () => {
    const options = sbatchOptions(
      slurmScheduler({ partition: 'debug', qos: 'high', mem: '64G', ntasks_per_node: 4, tmp: 100, gres: 'gpu:2' }),
    );
    expect([...options]).toEqual([
      ['nodes', '1'],
      ['time', '0-04:00:00'],
      ['account', 'proj1'],
      ['partition', 'debug'],
      ['qos', 'high'],
      ['mem', '64G'],
      ['ntasks-per-node', '4'],
      ['tmp', '100'],
      ['gres', 'gpu:2'],
    ]);
  });

  it('leaves out jobgraph fields and what jobgraph sets itself', () => {
    const options = sbatchOptions(
      slurmScheduler({ max_allocations: 3, extra: '--exclusive', _rev: 'x', walltime: '04:00:00', job_name: 'mine' }),
    );
    expect([...options.keys()]).toEqual(['nodes', 'time', 'account']);
  });

  it('applies slurm_defaults under the scheduler fields; false switches a default flag off', () => {
    const defaults = { account: 'default-acct', 'cpus-per-task': 2, exclusive: true, mail_type: 'END' };
    const options = sbatchOptions(slurmScheduler({ sbatch_defaults: defaults, exclusive: false }));
    expect(options.get('account')).toBe('proj1');
    expect(options.get('cpus-per-task')).toBe('2');
    expect(options.get('mail-type')).toBe('END');
    expect(options.has('exclusive')).toBe(false);
    expect(sbatchOptions(slurmScheduler({ sbatch_defaults: defaults })).get('exclusive')).toBe(true);
  });

  it('takes nodes and walltime from the request when it overrides them', () => {
    const options = sbatchOptions(slurmScheduler({ nodes: 2 }), { nodes: 4, walltime_s: 90 });
    expect(options.get('nodes')).toBe('4');
    expect(options.get('time')).toBe('0-00:02:00');
  });
});

describe('extraOptions', () => {
  it('reads long, short and flag options', () => {
    const options = extraOptions('--exclusive -c 4 --constraint="gen 2" --mem 8G -qhigh -J=x --hold');
    expect(Object.fromEntries(options!)).toEqual({
      exclusive: true,
      'cpus-per-task': '4',
      constraint: 'gen 2',
      mem: '8G',
      qos: 'high',
      'job-name': 'x',
      hold: true,
    });
  });

  it('refuses an unclosed quote', () => expect(extraOptions('--comment="x')).toBeUndefined());
});

describe('effectiveOptions', () => {
  it('lets extra win over the fields, as sbatch reads the later line last', () => {
    const options = effectiveOptions(slurmScheduler({ mem: '4G', extra: '--mem=8G -c 2' }));
    expect(options.get('mem')).toBe('8G');
    expect(options.get('cpus-per-task')).toBe('2');
  });
});
