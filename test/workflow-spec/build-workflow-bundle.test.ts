import { describe, expect, it } from 'vitest';
import { CycleError } from '../../src/core/errors.js';
import { specToBundle } from '../../src/workflow-spec/index.js';
import { build, cycleOf, edgeNames, expectIssue, issuesOf } from './spec-test-helpers.js';

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: `echo ${name}`, ...extra });

describe('buildWorkflowBundle', () => {
  it('builds the workflow document', () => {
    const b = build({ user: 'ana', description: 'd', failure_handlers: [{ name: 'h', rules: [{ exit_codes: [1] }] }] });
    expect(b.workflow).toEqual({
      _key: 'wf',
      _id: 'workflows/wf',
      name: 'w',
      user: 'ana',
      description: 'd',
      status: 'created',
      created_at: '2026-01-02T03:04:05.000Z',
      failure_handlers: [{ name: 'h', rules: [{ exit_codes: [1], match_all_exit_codes: false, max_retries: 3 }] }],
    });
  });

  it('builds an empty workflow from just a name, with a random key when none is given', () => {
    const b = specToBundle({ name: 'empty' });
    expect(b.workflow._key).toMatch(/^[0-9a-z]{10}$/);
    expect(b.workflow).not.toHaveProperty('failure_handlers');
    expect(b.documents).toEqual({});
    expect(b.edges).toEqual({});
  });

  it('gives every document deterministic keys, _id and the workflow key', () => {
    const b = build({
      files: [{ name: 'f1', path: 'a.txt' }],
      user_data: [{ name: 'u1', data: { x: [1, 2] } }, { name: 'u2' }],
      resource_requirements: [{ name: 'r1', memory: '2g', runtime: 'PT30M' }],
      slurm_schedulers: [{ name: 's1', account: 'acct' }],
      jobs: [
        job('a', { output_files: ['f1'], resource_requirements: 'r1', scheduler: 's1' }),
        job('b', { depends_on: ['a'] }),
      ],
    });
    expect(b.documents.jobs!.map((d) => [d._key, d._id, d.workflow])).toEqual([
      ['wf-j1', 'jobs/wf-j1', 'wf'],
      ['wf-j2', 'jobs/wf-j2', 'wf'],
    ]);
    expect(b.documents.files![0]).toEqual({
      _key: 'wf-f1',
      _id: 'files/wf-f1',
      workflow: 'wf',
      name: 'f1',
      path: 'a.txt',
    });
    expect(b.documents.user_data).toEqual([
      { _key: 'wf-u1', _id: 'user_data/wf-u1', workflow: 'wf', name: 'u1', data: { x: [1, 2] } },
      { _key: 'wf-u2', _id: 'user_data/wf-u2', workflow: 'wf', name: 'u2' },
    ]);
    expect(b.documents.resource_requirements![0]).toEqual({
      _key: 'wf-r1',
      _id: 'resource_requirements/wf-r1',
      workflow: 'wf',
      name: 'r1',
      num_cpus: 1,
      memory: '2g',
      memory_bytes: 2 * 1024 ** 3,
      num_gpus: 0,
      num_nodes: 1,
      runtime: 'PT30M',
      runtime_s: 1800,
    });
    expect(b.documents.schedulers![0]).toEqual({
      _key: 'wf-s1',
      _id: 'schedulers/wf-s1',
      workflow: 'wf',
      name: 's1',
      type: 'slurm',
      account: 'acct',
      nodes: 1,
    });
    const allEdges = Object.values(b.edges).flat();
    expect(allEdges.map((e) => e._key).sort()).toEqual(['wf-e1', 'wf-e2', 'wf-e3', 'wf-e4']);
    for (const [collection, edges] of Object.entries(b.edges))
      for (const e of edges!) expect(e).toMatchObject({ _id: `${collection}/${e._key}`, workflow: 'wf' });
  });

  it('builds job documents with status, attempt, counters and flags', () => {
    const b = build({
      failure_handlers: [{ name: 'retry', rules: [] }],
      jobs: [
        job('a', {
          invocation_script: 'module load x',
          failure_handler: 'retry',
          cancel_on_blocking_job_failure: true,
          supports_termination: true,
        }),
        job('b'),
      ],
    });
    expect(b.documents.jobs![0]).toEqual({
      _key: 'wf-j1',
      _id: 'jobs/wf-j1',
      workflow: 'wf',
      name: 'a',
      command: 'echo a',
      invocation_script: 'module load x',
      status: 'uninitialized',
      attempt: 1,
      unfinished_blockers: 0,
      cancel_on_blocking_job_failure: true,
      supports_termination: true,
      failure_handler: 'retry',
    });
    expect(b.documents.jobs![1]).not.toHaveProperty('invocation_script');
    // torc's default (JobModel::new), not its reference doc's: a job whose blocker failed is canceled.
    expect(b.documents.jobs![1]).toMatchObject({ cancel_on_blocking_job_failure: true, supports_termination: false });
  });

  it('makes blocks edges only for explicit dependencies; files and user data give needs/produces/stores/consumes', () => {
    const b = build({
      files: [{ name: 'mid', path: 'output/mid.txt' }],
      user_data: [{ name: 'cfg' }],
      jobs: [
        job('first', { output_files: ['mid'], output_user_data: ['cfg'] }),
        job('second', { input_files: ['mid'], input_user_data: ['cfg'] }),
        job('third', { depends_on: ['second'], blocked_by: ['first'] }),
      ],
    });
    expect(edgeNames(b, 'blocks')).toEqual(['second->third', 'first->third']);
    expect(edgeNames(b, 'produces')).toEqual(['first->mid']);
    expect(edgeNames(b, 'needs')).toEqual(['second->mid']);
    expect(edgeNames(b, 'stores')).toEqual(['first->cfg']);
    expect(edgeNames(b, 'consumes')).toEqual(['second->cfg']);
    // Relative paths stay relative: the worker resolves them.
    expect(b.documents.files![0]!.path).toBe('output/mid.txt');
  });

  it('replaces ${files.input/output.NAME} with paths and declares the relation, after expansion', () => {
    const b = build({
      files: [
        { name: 'src', path: 'data/src.txt' },
        { name: 'out_{i}', path: 'output/out_{i}.txt', parameters: { i: '1:2' } },
      ],
      jobs: [
        job('w_{i}', { command: 'sort ${files.input.src} > ${files.output.out_{i}}', parameters: { i: '1:2' } }),
        job('cat', { command: 'cat ${files.input.out_1} ${files.input.out_2}; echo ${HOME}' }),
      ],
    });
    expect(b.documents.jobs!.map((j) => j.command)).toEqual([
      'sort data/src.txt > output/out_1.txt',
      'sort data/src.txt > output/out_2.txt',
      'cat output/out_1.txt output/out_2.txt; echo ${HOME}',
    ]);
    expect(edgeNames(b, 'needs')).toEqual(['w_1->src', 'w_2->src', 'cat->out_1', 'cat->out_2']);
    expect(edgeNames(b, 'produces')).toEqual(['w_1->out_1', 'w_2->out_2']);
  });

  it("matches *_regexes anywhere in a name (torc's Regex::is_match), skipping the job itself and its own outputs", () => {
    const b = build({
      files: [
        { name: 'out_{i}', path: 'o/{i}', parameters: { i: '1:3' } },
        { name: 'out_summary', path: 'o/summary' },
        { name: 'xout_1', path: 'x' },
      ],
      jobs: [
        job('train_{i}', { output_files: ['out_{i}'], parameters: { i: '1:3' } }),
        job('train_all', {
          depends_on_regexes: ['train_.*'],
          input_files_regexes: ['out_.*'],
          output_files: ['out_summary'],
        }),
      ],
    });
    expect(edgeNames(b, 'blocks')).toEqual(['train_1->train_all', 'train_2->train_all', 'train_3->train_all']);
    // Unanchored: "out_.*" also finds "xout_1"; "^out_" would not (below).
    expect(edgeNames(b, 'needs')).toEqual([
      'train_all->out_1',
      'train_all->out_2',
      'train_all->out_3',
      'train_all->xout_1',
    ]);
  });

  it('anchors only where the regex says so ("^pair_" matches pair_x_1, not the_pair_1)', () => {
    const b = build({
      jobs: [job('pair_x_1'), job('the_pair_1'), job('sum', { depends_on_regexes: ['^pair_'] })],
    });
    expect(edgeNames(b, 'blocks')).toEqual(['pair_x_1->sum']);
  });

  it('names an undefined reference of every kind by its path', () => {
    const base = { name: 'w', files: [{ name: 'f', path: 'p' }], user_data: [{ name: 'u' }] };
    expectIssue(
      { ...base, jobs: [job('a'), job('b', { input_files: ['f', 'nofile'] })] },
      'jobs[1].input_files[1]',
      /job "b": no file named "nofile"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { output_files: ['nope'] })] },
      'jobs[0].output_files[0]',
      /no file named "nope"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { input_user_data: ['nud'] })] },
      'jobs[0].input_user_data[0]',
      /no user data named "nud"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { output_user_data: ['u', 'x'] })] },
      'jobs[0].output_user_data[1]',
      /no user data named "x"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { resource_requirements: 'big' })] },
      'jobs[0].resource_requirements',
      /no resource requirements named "big"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { failure_handler: 'fh' })] },
      'jobs[0].failure_handler',
      /no failure handler named "fh"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { scheduler: 'slurm1' })] },
      'jobs[0].scheduler',
      /no scheduler named "slurm1"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { depends_on: ['ghost'] })] },
      'jobs[0].depends_on[0]',
      /no job named "ghost"/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { command: 'cat ${files.input.nope}' })] },
      'jobs[0].command',
      /\$\{files.input.nope\} names no file/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { depends_on_regexes: ['zz.*'] })] },
      'jobs[0].depends_on_regexes[0]',
      /matches no job/,
    );
    expectIssue(
      { ...base, jobs: [job('a', { input_files_regexes: ['g.*'] })] },
      'jobs[0].input_files_regexes[0]',
      /matches no file/,
    );
  });

  it('names an undefined reference inside an expanded job with the job name', () => {
    expectIssue(
      {
        name: 'w',
        files: [{ name: 'in_1', path: 'p' }],
        jobs: [job('w_{i}', { input_files: ['in_{i}'], parameters: { i: '1:2' } })],
      },
      'jobs[0].input_files[0]',
      /job "w_2": no file named "in_2"/,
    );
  });

  it('lists at most 100 issues and counts the rest (a typo in a big sweep)', () => {
    const issues = issuesOf(() =>
      specToBundle({ name: 'w', jobs: [job('w_{i}', { input_files: ['missing_{i}'], parameters: { i: '1:250' } })] }),
    );
    expect(issues).toHaveLength(101);
    expect(issues[0]).toEqual({ path: 'jobs[0].input_files[0]', message: 'job "w_1": no file named "missing_1"' });
    expect(issues[100]!.message).toBe('… and 150 more issues');
  });

  it('rejects duplicate names after expansion, naming both places', () => {
    expectIssue(
      { name: 'w', jobs: [job('a_1'), job('x'), job('a_{i}', { parameters: { i: '1:2' } })] },
      'jobs[2].name',
      /duplicate job name "a_1" \(also at jobs\[0\]\)/,
    );
    // Copies of one definition that differ in more than their lists: the name misses a parameter.
    expectIssue(
      { name: 'w', jobs: [job('same', { command: 'echo {i}', parameters: { i: '1:2' } })] },
      'jobs[0].name',
      /"same" does not use parameter i, so 2 expanded jobs are named "same" but their command differs; put \{i\} in the name/,
    );
    expectIssue(
      {
        name: 'w',
        files: [
          { name: 'f', path: 'a' },
          { name: 'f', path: 'b' },
        ],
      },
      'files[1].name',
      /duplicate file name "f" \(also at files\[0\]\)/,
    );
    expectIssue({ name: 'w', user_data: [{ name: 'u' }, { name: 'u' }] }, 'user_data[1].name', /duplicate user data/);
    expectIssue(
      { name: 'w', resource_requirements: [{ name: 'r' }, { name: 'r' }] },
      'resource_requirements[1].name',
      /duplicate resource requirements/,
    );
    expectIssue(
      {
        name: 'w',
        failure_handlers: [
          { name: 'h', rules: [] },
          { name: 'h', rules: [] },
        ],
      },
      'failure_handlers[1].name',
      /duplicate failure handler/,
    );
    expectIssue(
      { name: 'w', slurm_schedulers: [{ name: 's' }, { name: 's' }] },
      'slurm_schedulers[1].name',
      /duplicate scheduler/,
    );
  });

  it('rejects a file produced by two jobs', () => {
    expectIssue(
      {
        name: 'w',
        files: [{ name: 'f', path: 'p' }],
        jobs: [job('a', { output_files: ['f'] }), job('b', { command: 'x > ${files.output.f}' })],
      },
      'jobs[1].output_files',
      /file "f" is produced by job "b" and by job "a" \(jobs\[0\]\)/,
    );
  });

  it('rejects explicit dependency cycles, naming the jobs', () => {
    const cycle = cycleOf({
      name: 'w',
      jobs: [job('a', { depends_on: ['c'] }), job('b', { depends_on: ['a'] }), job('c', { depends_on: ['b'] })],
    });
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
    expect(cycleOf({ name: 'w', jobs: [job('self', { depends_on: ['self'] })] })).toEqual(['self', 'self']);
  });

  it('rejects cycles through files and user data (blocks the store will derive)', () => {
    const viaFiles = cycleOf({
      name: 'w',
      files: [
        { name: 'x', path: 'x' },
        { name: 'y', path: 'y' },
      ],
      jobs: [
        job('p', { input_files: ['y'], output_files: ['x'] }),
        job('q', { input_files: ['x'], output_files: ['y'] }),
      ],
    });
    expect(new Set(viaFiles)).toEqual(new Set(['p', 'q']));
    const mixed = cycleOf({
      name: 'w',
      files: [{ name: 'x', path: 'x' }],
      user_data: [{ name: 'u' }],
      jobs: [
        job('p', { output_files: ['x'], input_user_data: ['u'] }),
        job('q', { input_files: ['x'] }),
        job('r', { depends_on: ['q'], output_user_data: ['u'] }),
      ],
    });
    expect(new Set(mixed)).toEqual(new Set(['p', 'q', 'r']));
    expect(() => specToBundle({ name: 'w', jobs: [job('a', { depends_on: ['a'] })] })).toThrow(CycleError);
  });
});
