import { describe, expect, it } from 'vitest';
import { build, edgeNames, expectIssue, names } from './spec-test-helpers.js';

const job = (extra: Record<string, unknown>) => ({ name: 'j', command: 'true', ...extra });

describe('parameter expansion', () => {
  it('expands an integer range with zero-padded names', () => {
    const b = build({ jobs: [job({ name: 'job_{i:03d}', command: 'run {i}', parameters: { i: '1:12' } })] });
    expect(names(b, 'jobs')).toHaveLength(12);
    expect(names(b, 'jobs').slice(0, 2)).toEqual(['job_001', 'job_002']);
    expect(b.documents.jobs![11]!.command).toBe('run 12');
  });

  it('expands stepped ranges, float ranges and lists of every kind', () => {
    const b = build({
      jobs: [
        job({ name: 's_{n}', parameters: { n: '0:100:25' } }),
        job({ name: 'f_{x:.2f}', parameters: { x: '0.0:1.0:0.5' } }),
        job({ name: 'li_{k}', parameters: { k: '[1,5,10]' } }),
        job({ name: 'lf_{lr:.4f}', parameters: { lr: '[0.1,0.5]' } }),
        job({ name: 'ls_{opt}', parameters: { opt: "['adam','sgd']" } }),
        job({ name: 'ya_{v}', parameters: { v: ['p', 'q'] } }),
        job({ name: 'sc_{only}', parameters: { only: 42 } }),
      ],
    });
    expect(names(b, 'jobs')).toEqual([
      's_0',
      's_25',
      's_50',
      's_75',
      's_100',
      'f_0.00',
      'f_0.50',
      'f_1.00',
      'li_1',
      'li_5',
      'li_10',
      'lf_0.1000',
      'lf_0.5000',
      'ls_adam',
      'ls_sgd',
      'ya_p',
      'ya_q',
      'sc_42',
    ]);
  });

  it('takes the cartesian product by default, first parameter slowest', () => {
    const b = build({ jobs: [job({ name: 'p_{a}_{b}', parameters: { a: '1:2', b: "['x','y','z']" } })] });
    expect(names(b, 'jobs')).toEqual(['p_1_x', 'p_1_y', 'p_1_z', 'p_2_x', 'p_2_y', 'p_2_z']);
  });

  it('zips equal-length parameters in zip mode', () => {
    const b = build({
      jobs: [job({ name: 'z_{a}_{b}', parameters: { a: '1:3', b: "['x','y','z']" }, parameter_mode: 'zip' })],
    });
    expect(names(b, 'jobs')).toEqual(['z_1_x', 'z_2_y', 'z_3_z']);
  });

  it('rejects zip mode with unequal lengths, naming the parameters', () => {
    expectIssue(
      { name: 'w', jobs: [job({ name: 'z_{a}_{b}', parameters: { a: '1:3', b: '[1,2]' }, parameter_mode: 'zip' })] },
      'jobs[0].parameters',
      /equal length.*a: 3, b: 2/,
    );
  });

  it('uses workflow-level parameters named in use_parameters, local ones winning', () => {
    const b = build({
      parameters: { i: '1:3', lr: '[0.1]', unused: '1:100' },
      files: [{ name: 'in_{i}', path: 'data/in_{i}.txt', use_parameters: ['i'] }],
      jobs: [
        job({ name: 'u_{i}_{lr}', use_parameters: ['i', 'lr'] }),
        job({ name: 'o_{i}', use_parameters: ['i'], parameters: { i: '[7]' } }),
        job({ name: 'plain' }),
      ],
    });
    expect(names(b, 'jobs')).toEqual(['u_1_0.1', 'u_2_0.1', 'u_3_0.1', 'o_7', 'plain']);
    expect(names(b, 'files')).toEqual(['in_1', 'in_2', 'in_3']);
    expect(b.documents.files![2]!.path).toBe('data/in_3.txt');
  });

  it('rejects use_parameters naming an undefined workflow parameter', () => {
    expectIssue(
      { name: 'w', parameters: { i: '1:2' }, jobs: [job({ name: 'a_{j}', use_parameters: ['i', 'j'] })] },
      'jobs[0].use_parameters[1]',
      /"j"/,
    );
  });

  it('substitutes in every string field of a job, including references and regexes', () => {
    const b = build({
      resource_requirements: [{ name: 'rr_2' }],
      failure_handlers: [{ name: 'fh_2', rules: [] }],
      slurm_schedulers: [{ name: 'sched_2' }],
      user_data: [{ name: 'ud_in_2' }, { name: 'ud_out_2' }],
      files: [
        { name: 'in_{i}', path: 'in/{i}', parameters: { i: '2:2' } },
        { name: 'out_{i}', path: 'out/{i}', parameters: { i: '2:2' } },
      ],
      jobs: [
        job({ name: 'dep_2' }),
        job({ name: 'dep_2b' }),
        job({
          name: 'w_{i}',
          command: 'cmd {i}',
          invocation_script: 'inv {i}',
          resource_requirements: 'rr_{i}',
          failure_handler: 'fh_{i}',
          scheduler: 'sched_{i}',
          depends_on: ['dep_{i}'],
          depends_on_regexes: ['dep_{i}b'],
          input_files: ['in_{i}'],
          output_files_regexes: ['out_{i}'],
          input_user_data: ['ud_in_{i}'],
          output_user_data_regexes: ['ud_out_{i}'],
          parameters: { i: '[2]' },
        }),
      ],
    });
    const w = b.documents.jobs![2]!;
    expect(w).toMatchObject({ name: 'w_2', command: 'cmd 2', invocation_script: 'inv 2', failure_handler: 'fh_2' });
    expect(edgeNames(b, 'blocks')).toEqual(['dep_2->w_2', 'dep_2b->w_2']);
    expect(edgeNames(b, 'needs')).toEqual(['w_2->in_2']);
    expect(edgeNames(b, 'produces')).toEqual(['w_2->out_2']);
    expect(edgeNames(b, 'consumes')).toEqual(['w_2->ud_in_2']);
    expect(edgeNames(b, 'stores')).toEqual(['w_2->ud_out_2']);
    expect(edgeNames(b, 'requires')).toEqual(['w_2->rr_2']);
    expect(edgeNames(b, 'scheduled_by')).toEqual(['w_2->sched_2']);
  });

  it('rejects a placeholder naming no parameter of a parameterized item, naming the field', () => {
    expectIssue(
      { name: 'w', jobs: [job({ name: 'a_{i}', command: 'run {j}', parameters: { i: '1:2' } })] },
      'jobs[0].command',
      /\{j\}/,
    );
    expectIssue(
      { name: 'w', files: [{ name: 'f_{i}', path: 'p/{k}', parameters: { i: '1:2' } }] },
      'files[0].path',
      /\{k\}/,
    );
    expectIssue(
      { name: 'w', jobs: [job({ name: 'a_{s:d}', parameters: { s: "['x']" } })] },
      'jobs[0].name',
      /not an integer/,
    );
  });

  it('leaves non-parameterized items literal (shell and awk braces survive)', () => {
    const cmd = "echo ${HOME} {i} && awk '{print $1}' x";
    const b = build({ jobs: [job({ name: 'lit_{i}', command: cmd })] });
    expect(b.documents.jobs![0]).toMatchObject({ name: 'lit_{i}', command: cmd });
  });

  it('rejects a bad parameter value with its path', () => {
    expectIssue({ name: 'w', jobs: [job({ parameters: { i: '5:1' } })] }, 'jobs[0].parameters.i', /empty/);
    expectIssue(
      { name: 'w', parameters: { i: '1:2:0' }, jobs: [job({ name: 'a{i}', use_parameters: ['i'] })] },
      'parameters.i',
      /step of 0/,
    );
  });
});
