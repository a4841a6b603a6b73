import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { validateSpec } from '../../src/workflow-spec/index.js';
import { expectIssue, issuesOf } from './spec-test-helpers.js';

describe('validateSpec', () => {
  it('accepts a spec with just a name and applies empty defaults', () => {
    const spec = validateSpec({ name: 'empty' });
    expect(spec).toMatchObject({ name: 'empty', jobs: [], files: [], user_data: [], resource_requirements: [] });
    expect(spec.failure_handlers).toEqual([]);
    expect(spec.slurm_schedulers).toEqual([]);
  });

  it('applies job defaults and treats null as absent (torc specs write `depends_on: null`)', () => {
    const spec = validateSpec({
      name: 'w',
      jobs: [{ name: 'a', command: 'true', depends_on: null, input_files: null, cancel_on_blocking_job_failure: null }],
    });
    const job = spec.jobs[0]!;
    expect(job.cancel_on_blocking_job_failure).toBe(true); // torc's JobModel::new() default
    expect(job.supports_termination).toBe(false);
    expect(job.parameter_mode).toBe('product');
    expect(job.depends_on).toBeUndefined();
  });

  it('merges blocked_by into depends_on', () => {
    const spec = validateSpec({ name: 'w', jobs: [{ name: 'a', command: 'x', depends_on: ['b'], blocked_by: ['c'] }] });
    expect(spec.jobs[0]!.depends_on).toEqual(['b', 'c']);
  });

  it('applies resource requirement defaults and parses units', () => {
    const spec = validateSpec({
      name: 'w',
      resource_requirements: [
        { name: 'd' },
        { name: 'big', num_cpus: 8, memory: '1.5t', num_gpus: 2, num_nodes: 2, runtime: '2h' },
      ],
    });
    expect(spec.resource_requirements[0]).toEqual({
      name: 'd',
      num_cpus: 1,
      memory: '1g',
      memory_bytes: 1024 ** 3,
      num_gpus: 0,
      num_nodes: 1,
      runtime: 'PT1H',
      runtime_s: 3600,
    });
    expect(spec.resource_requirements[1]).toMatchObject({
      memory_bytes: 1.5 * 1024 ** 4,
      runtime_s: 7200,
      num_gpus: 2,
    });
    expect(
      validateSpec({ name: 'w', resource_requirements: [{ name: 'm', memory: '512m', runtime: 'PT30M' }] })
        .resource_requirements[0],
    ).toMatchObject({ memory_bytes: 512 * 1024 ** 2, runtime_s: 1800 });
  });

  it('names a bad memory or runtime by its path', () => {
    const raw = {
      name: 'w',
      resource_requirements: [{ name: 'ok' }, { name: 'bad', memory: '12 parsecs', runtime: 'soon' }],
    };
    expectIssue(raw, 'resource_requirements[1].memory', /invalid memory/);
    expectIssue(raw, 'resource_requirements[1].runtime', /invalid runtime/);
    expectIssue(
      { name: 'w', resource_requirements: [{ name: 'x', num_cpus: 0 }] },
      'resource_requirements[0].num_cpus',
      /./,
    );
  });

  // Issue 11 item 9: each unknown key is an issue at its own path, with "did you mean" when a known one is close.
  it('rejects unknown keys at the top level, in jobs and in files, naming them', () => {
    expectIssue({ name: 'w', job: [] }, 'job', /^unknown field \(did you mean "jobs"\?\)$/);
    expectIssue(
      { name: 'w', jobs: [{ name: 'a', command: 'x', depend_on: ['b'] }] },
      'jobs[0].depend_on',
      /^unknown field \(did you mean "depends_on"\?\)$/,
    );
    expectIssue({ name: 'w', files: [{ name: 'f', path: 'p', pth: 'q' }] }, 'files[0].pth', /did you mean "path"/);
    expectIssue(
      { name: 'w', resource_requirements: [{ name: 'r', cpus: 2 }] },
      'resource_requirements[0].cpus',
      /^unknown field/,
    );
  });

  it('lists every issue at once', () => {
    const issues = issuesOf(() => validateSpec({ jobs: [{ command: 1 }], files: [{ name: 'f' }] }));
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'jobs[0].name', 'jobs[0].command', 'files[0].path']));
  });

  it('rejects a spec that is not a mapping', () => {
    expect(() => validateSpec(null)).toThrow(ValidationError);
    expect(() => validateSpec([1])).toThrow(/mapping/);
  });

  it('validates failure handlers with max_retries defaulting to 3', () => {
    const spec = validateSpec({
      name: 'w',
      failure_handlers: [
        {
          name: 'oom',
          rules: [
            { exit_codes: [137], recovery_script: 'echo more memory' },
            { match_all_exit_codes: true, max_retries: 1 },
          ],
        },
      ],
    });
    expect(spec.failure_handlers[0]!.rules).toEqual([
      { exit_codes: [137], match_all_exit_codes: false, recovery_script: 'echo more memory', max_retries: 3 },
      { exit_codes: [], match_all_exit_codes: true, max_retries: 1 },
    ]);
    expectIssue(
      { name: 'w', failure_handlers: [{ name: 'h', rules: [{ exit_codes: ['x'] }] }] },
      'failure_handlers[0].rules[0].exit_codes[0]',
      /./,
    );
    expectIssue(
      { name: 'w', failure_handlers: [{ name: 'h', rules: [{ retries: 2 }] }] },
      'failure_handlers[0].rules[0].retries',
      /^unknown field/,
    );
  });

  it('validates slurm schedulers loosely: name required, walltime parsed, the rest kept', () => {
    const spec = validateSpec({
      name: 'w',
      slurm_schedulers: [{ name: 's', account: 'acct', walltime: '04:00:00', nodes: 2 }],
    });
    expect(spec.slurm_schedulers[0]).toEqual({
      name: 's',
      account: 'acct',
      walltime: '04:00:00',
      walltime_s: 4 * 3600,
      nodes: 2,
    });
    expectIssue({ name: 'w', slurm_schedulers: [{ account: 'a' }] }, 'slurm_schedulers[0].name', /./);
  });

  it('rejects invalid regexes, bad parameter names and an unknown parameter_mode', () => {
    expectIssue(
      { name: 'w', jobs: [{ name: 'a', command: 'x', depends_on_regexes: ['(['] }] },
      'jobs[0].depends_on_regexes[0]',
      /invalid regex/,
    );
    expectIssue(
      { name: 'w', jobs: [{ name: 'a', command: 'x', parameters: { 'bad-name': '1:2' } }] },
      'jobs[0].parameters.bad-name',
      /identifiers/,
    );
    expectIssue(
      { name: 'w', jobs: [{ name: 'a', command: 'x', parameter_mode: 'cross' }] },
      'jobs[0].parameter_mode',
      /./,
    );
  });
});
