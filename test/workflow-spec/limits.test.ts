/**
 * Limits a spec is built under (issue 9, item 8): sizes checked before expanding, references
 * checked against the unexpanded definitions, regex cost and reference count bounded, NUL
 * characters and deep nesting refused — each refusal quick and naming the field.
 */
import { describe, expect, it } from 'vitest';
import { specToBundle } from '../../src/workflow-spec/index.js';
import { MAX_LIST_ISSUES } from '../../src/workflow-spec/schema-helpers.js';
import { build, expectIssue, issuesOf, names } from './spec-test-helpers.js';

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: 'true', ...extra });

/** `fn` runs in under `ms` milliseconds. */
function quick<T>(fn: () => T, ms = 1000): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    expect(performance.now() - started).toBeLessThan(ms);
  }
}

describe('expansion size', () => {
  it('refuses a product beyond maxJobs before expanding, naming the parameters', () => {
    const issues = quick(() =>
      issuesOf(() =>
        specToBundle({ name: 'w', jobs: [job('j{i}_{k}', { parameters: { i: '1:3000', k: '1:3000' } })] }),
      ),
    );
    expect(issues).toEqual([
      {
        path: 'jobs[0].parameters',
        message: 'expands to 9,000,000 jobs (i: 3,000 × k: 3,000); at most 1,000,000 are allowed (JOBGRAPH_MAX_JOBS)',
      },
    ]);
  });

  it('counts shared parameters, zips and files, and the sum of several definitions', () => {
    const limited = (spec: Record<string, unknown>) =>
      issuesOf(() => specToBundle({ name: 'w', ...spec }, { maxJobs: 100 }));
    expect(
      limited({
        parameters: { i: '1:20' },
        jobs: [job('j{i}_{k}', { use_parameters: ['i'], parameters: { k: '1:10' } })],
      }),
    ).toMatchObject([
      { path: 'jobs[0].parameters', message: expect.stringMatching(/^expands to 200 jobs \(k: 10 × i: 20\)/) },
    ]);
    expect(
      limited({ jobs: [job('z{a}{b}', { parameters: { a: '1:101', b: '1:101' }, parameter_mode: 'zip' })] }),
    ).toMatchObject([{ message: expect.stringMatching(/^expands to 101 jobs \(zip of a: 101, b: 101\)/) }]);
    expect(limited({ files: [{ name: 'f{i}', path: 'f{i}', parameters: { i: '1:101' } }] })).toMatchObject([
      { path: 'files[0].parameters', message: expect.stringMatching(/^expands to 101 files/) },
    ]);
    expect(
      limited({ jobs: [job('a{i}', { parameters: { i: '1:60' } }), job('b{i}', { parameters: { i: '1:60' } })] }),
    ).toMatchObject([
      { path: 'jobs', message: expect.stringMatching(/^the jobs expand to 120 jobs in all \(jobs\[0\]: 60/) },
    ]);
    expect(names(build({ jobs: [job('a{i}', { parameters: { i: '1:100' } })] }), 'jobs')).toHaveLength(100);
  });
});

describe('references checked before expanding', () => {
  it('refuses an undefined name in a million-job sweep at once', () => {
    for (const [field, value, path] of [
      ['depends_on', ['ghost'], 'jobs[0].depends_on[0]'],
      ['input_files', ['ghost'], 'jobs[0].input_files[0]'],
      ['resource_requirements', 'ghost', 'jobs[0].resource_requirements'],
      ['command', 'cat ${files.input.ghost}', 'jobs[0].command'],
    ] as const)
      quick(() =>
        expectIssue(
          { name: 'w', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, [field]: value })] },
          path,
          /ghost/,
        ),
      );
  });

  it('leaves a bad parameter to expansion, which names it, rather than call its name undefined', () => {
    expectIssue(
      { name: 'w', jobs: [job('j{i}', { parameters: { i: '5:1' } }), job('b', { depends_on: ['j3'] })] },
      'jobs[0].parameters.i',
      /is empty/,
    );
  });

  it('accepts literal names that a parameterized definition produces, and braces kept as written', () => {
    const b = build({
      files: [
        { name: 'f_{i}', path: 'f{i}', parameters: { i: '1:3' } },
        { name: 'raw_{x}', path: 'r' },
      ],
      jobs: [
        job('prep_{i:03d}', { parameters: { i: '1:3' }, output_files: ['f_{i}'] }),
        job('use', { depends_on: ['prep_002'], input_files: ['f_3', 'raw_{x}'], command: 'cat ${files.input.f_1}' }),
      ],
    });
    expect(names(b, 'jobs')).toEqual(['prep_001', 'prep_002', 'prep_003', 'use']);
  });
});

describe('regexes', () => {
  it('matches a catastrophic pattern in linear time', () => {
    quick(() =>
      expectIssue(
        { name: 'w', jobs: [job(`${'a'.repeat(30)}!`), job('b', { depends_on_regexes: ['(a+)+$'] })] },
        'jobs[1].depends_on_regexes[0]',
        /matches no job/,
      ),
    );
  });

  it('refuses what cannot be matched in linear time', () => {
    expectIssue(
      { name: 'w', jobs: [job('aa'), job('b', { depends_on_regexes: ['(a)\\1'] })] },
      'jobs[1].depends_on_regexes[0]',
      /linear time/,
    );
    expectIssue(
      {
        name: 'w',
        jobs: [job('a')],
        actions: [
          { trigger_type: 'on_jobs_ready', action_type: 'run_commands', commands: ['x'], job_name_regexes: ['(?=a)'] },
        ],
      },
      'actions[0].job_name_regexes[0]',
      /linear time/,
    );
  });

  it('refuses regexes that would need too many matches, naming the worst one', () => {
    quick(() =>
      expectIssue(
        {
          name: 'w',
          jobs: [
            job('a{i}', { parameters: { i: '1:20000' } }),
            job('b{i}', { parameters: { i: '1:20000' }, depends_on_regexes: ['a{i}.*'] }),
          ],
        },
        'jobs[1].depends_on_regexes[0]',
        /tried on 40,000 names for each of its 20,000 forms/,
      ),
    );
  });

  it('matches a pattern once for every job that uses it', () => {
    const b = quick(
      () =>
        build({
          jobs: [
            job('a{i}', { parameters: { i: '1:2000' } }),
            job('b{i}', { parameters: { i: '1:50' }, depends_on_regexes: ['^a1\\d\\d$'] }),
          ],
        }),
      5000,
    );
    expect(b.edges.blocks).toHaveLength(50 * 100);
  });

  it('refuses references that would make too many edges', () => {
    const issues = issuesOf(() =>
      specToBundle({
        name: 'w',
        jobs: [
          job('a{i}', { parameters: { i: '1:3000' } }),
          job('b{i}', { parameters: { i: '1:3000' }, depends_on_regexes: ['a.*'] }),
        ],
      }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/edges; at most 1,000,000 are allowed/);
  });
});

describe('shape', () => {
  it.each([
    ['a job name', { jobs: [job('a\u0000')] }, 'jobs[0].name'],
    ['a command', { jobs: [job('a', { command: 'echo \u0000' })] }, 'jobs[0].command'],
    ['a file path', { files: [{ name: 'f', path: 'f\u0000' }] }, 'files[0].path'],
    ['a parameter value', { jobs: [job('j{v}', { parameters: { v: ['a\u0000'] } })] }, 'jobs[0].parameters.v[0]'],
    ['a Slurm option', { slurm_schedulers: [{ name: 's', qos: 'q\u0000' }] }, 'slurm_schedulers[0].qos'],
  ])('refuses a NUL in %s', (_what, spec, path) => expectIssue({ name: 'w', ...spec }, path, /NUL character/));

  it('keeps a NUL in user data, which no process sees', () => {
    expect(build({ user_data: [{ name: 'u', data: { text: 'a\u0000b' } }] }).documents.user_data![0]!.data).toEqual({
      text: 'a\u0000b',
    });
  });

  it('refuses nesting deeper than 64 levels and __proto__ keys', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1500; i++) deep = { a: deep };
    expectIssue(
      { name: 'w', user_data: [{ name: 'u', data: deep }] },
      `user_data[0].data${'.a'.repeat(61)}`,
      /deeper than 64/,
    );
    expectIssue(
      JSON.parse('{"name": "w", "jobs": [{"name": "a", "command": "x", "__proto__": {}}]}'),
      'jobs[0]',
      /__proto__/,
    );
  });

  it('lists at most 100 issues of a list of a million wrong items, quickly', () => {
    const issues = quick(() => issuesOf(() => specToBundle({ name: 'w', jobs: new Array(1_000_000).fill(1) })), 5000);
    expect(issues).toHaveLength(MAX_LIST_ISSUES + 1);
    expect(issues[0]).toEqual({ path: 'jobs[0]', message: 'Invalid input: expected object, received number' });
    expect(issues[MAX_LIST_ISSUES]!.message).toMatch(/validation stopped after 100 issues/);
  });
});
