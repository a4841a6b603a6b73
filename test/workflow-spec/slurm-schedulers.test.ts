import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/workflow-spec/index.js';
import { build, expectIssue, issuesOf } from './spec-test-helpers.js';

const spec = (extra: Record<string, unknown>) => ({ name: 'w', ...extra });

describe('slurm_schedulers', () => {
  it('builds a document with the normalized fields, every field as written, and nodes defaulting to 1', () => {
    const gpu = {
      name: 'gpu',
      account: 'proj',
      partition: 'gpu',
      qos: 'high',
      gres: 'gpu:2',
      walltime: '1-12:00:00',
      mem: '240G',
      ntasks_per_node: 4,
      tmp: '50G',
      extra: '--exclusive',
      constraint: 'v100',
      max_allocations: 3,
    };
    const b = build({ slurm_schedulers: [gpu, { name: 'plain', nodes: 4, mem: 1024, gres: null }] });
    const ids = (n: number) => ({ _key: `wf-s${n}`, _id: `schedulers/wf-s${n}`, workflow: 'wf' });
    expect(b.documents.schedulers).toEqual([
      { ...ids(1), ...gpu, type: 'slurm', nodes: 1, walltime_s: 36 * 3600 },
      { ...ids(2), name: 'plain', type: 'slurm', nodes: 4, mem: 1024 },
    ]);
    // Identity, name and type first; the settings after them, in the order written.
    expect(Object.keys(b.documents.schedulers![0]!).slice(0, 5)).toEqual(['_key', '_id', 'workflow', 'name', 'type']);
  });

  it.each([
    ['MM', '90', 5400],
    ['MM:SS', '30:00', 1800],
    ['HH:MM:SS', '04:00:00', 14400],
    ['D-HH', '2-12', 216000],
    ['D-HH:MM', '1-00:30', 88200],
    ['D-HH:MM:SS', '0-00:08:00', 480],
    ['ISO 8601', 'PT4H', 14400],
    ['short', '2h', 7200],
  ])('parses a %s walltime (%s)', (_form, walltime, seconds) => {
    expect(validateSpec(spec({ slurm_schedulers: [{ name: 's', walltime }] })).slurm_schedulers[0]).toMatchObject({
      walltime,
      walltime_s: seconds,
    });
  });

  it('names a bad walltime by its path, with the accepted forms', () => {
    const issues = issuesOf(() =>
      validateSpec(
        spec({
          slurm_schedulers: [
            { name: 'a', walltime: '1:00:00' },
            { name: 'b', walltime: '4 hours' },
          ],
        }),
      ),
    );
    expect(issues).toEqual([
      {
        path: 'slurm_schedulers[1].walltime',
        message: 'invalid walltime "4 hours" (Slurm "HH:MM:SS", "D-HH:MM:SS" or ISO 8601 "PT4H")',
      },
    ]);
    expectIssue(
      spec({ slurm_schedulers: [{ name: 'a', walltime: '01:75:00' }] }),
      'slurm_schedulers[0].walltime',
      /invalid walltime "01:75:00"/,
    );
    expectIssue(
      spec({ slurm_schedulers: [{ name: 'a', walltime: '00:00:00' }] }),
      'slurm_schedulers[0].walltime',
      /invalid walltime/,
    );
  });

  it('checks the types of the fields it reads, and accepts a scheduler without account', () => {
    expect(validateSpec(spec({ slurm_schedulers: [{ name: 'noacct' }] })).slurm_schedulers[0]).toEqual({
      name: 'noacct',
      nodes: 1,
    });
    for (const [field, value] of [
      ['nodes', 0],
      ['nodes', 1.5],
      ['account', 7],
      ['partition', true],
      ['qos', ['a']],
      ['gres', 1],
      ['mem', true],
      ['ntasks_per_node', 0],
      ['max_allocations', -1],
    ] as const)
      expectIssue(spec({ slurm_schedulers: [{ name: 's', [field]: value }] }), `slurm_schedulers[0].${field}`, /./);
    expectIssue(spec({ slurm_schedulers: [{ name: '' }] }), 'slurm_schedulers[0].name', /non-empty/);
  });

  it('refuses the fields jobgraph sets on the document', () => {
    for (const field of ['type', '_key', 'workflow', 'walltime_s', 'sbatch_defaults'])
      expectIssue(
        spec({ slurm_schedulers: [{ name: 's', [field]: 'x' }] }),
        `slurm_schedulers[0].${field}`,
        /set by jobgraph/,
      );
  });
});

describe('slurm_defaults', () => {
  const defaults = { account: 'proj', 'mail-type': 'END,FAIL', 'cpus-per-task': 4, exclusive: true };

  it('is stored on the workflow and copied into every slurm scheduler as sbatch_defaults', () => {
    const b = build({
      slurm_defaults: defaults,
      slurm_schedulers: [{ name: 'a', account: 'own' }, { name: 'b' }],
      local_schedulers: [{ name: 'l' }],
    });
    expect(b.workflow.slurm_defaults).toEqual(defaults);
    const [a, s2, local] = b.documents.schedulers!;
    expect(a).toMatchObject({ account: 'own', sbatch_defaults: defaults });
    expect(s2!.sbatch_defaults).toEqual(defaults);
    expect(a!.sbatch_defaults).not.toBe(s2!.sbatch_defaults);
    expect(local).not.toHaveProperty('sbatch_defaults');
  });

  it('is absent from the documents when not given', () => {
    const b = build({ slurm_schedulers: [{ name: 'a' }] });
    expect(b.workflow).not.toHaveProperty('slurm_defaults');
    expect(b.documents.schedulers![0]).not.toHaveProperty('sbatch_defaults');
  });

  it('refuses the options set per scheduler (as torc does), a leading "--", and values that are not scalars', () => {
    expectIssue(spec({ slurm_defaults: { partition: 'debug' } }), 'slurm_defaults.partition', /set per scheduler/);
    expectIssue(spec({ slurm_defaults: { Time: '01:00:00' } }), 'slurm_defaults.Time', /set per scheduler/);
    expectIssue(spec({ slurm_defaults: { 'job-name': 'x' } }), 'slurm_defaults.job-name', /set per scheduler/);
    expectIssue(spec({ slurm_defaults: { '--qos': 'high' } }), 'slurm_defaults.--qos', /without the leading "--"/);
    expectIssue(spec({ slurm_defaults: { qos: ['a'] } }), 'slurm_defaults.qos', /./);
    expectIssue(spec({ slurm_defaults: { qos: null } }), 'slurm_defaults.qos', /./);
    expectIssue(spec({ slurm_defaults: 'qos=high' }), 'slurm_defaults', /./);
  });
});
