import { describe, expect, it } from 'vitest';
import type { WorkflowBundle } from '../../src/core/model.js';
import { validateSpec } from '../../src/workflow-spec/index.js';
import { build, expectIssue, issuesOf } from './spec-test-helpers.js';

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: `echo ${name}`, ...extra });
const jobs = [
  job('prep'),
  job('train_{i}', { parameters: { i: '1:3' }, depends_on: ['prep'] }),
  job('pre_train_x'),
  job('report', { depends_on_regexes: ['train_.*'] }),
];
const slurm = [{ name: 'gpu', account: 'a', walltime: '04:00:00' }];
const run = (extra: Record<string, unknown>) => ({ action_type: 'run_commands', commands: ['echo hi'], ...extra });
const schedule = (extra: Record<string, unknown>) => ({ action_type: 'schedule_nodes', scheduler: 'gpu', ...extra });
const spec = (actions: unknown[], extra: Record<string, unknown> = {}) => ({
  name: 'w',
  jobs,
  slurm_schedulers: slurm,
  actions,
  ...extra,
});

/** The names of the jobs each action selected (from its job_keys). */
function selected(b: WorkflowBundle): Array<string[] | undefined> {
  const byKey = new Map((b.documents.jobs ?? []).map((j) => [j._key, j.name as string]));
  return (b.documents.actions ?? []).map((a) => (a.job_keys as string[] | undefined)?.map((k) => byKey.get(k)!));
}

describe('actions', () => {
  it('builds one document per action with resolved job and scheduler keys and no edges', () => {
    const b = build(
      spec([
        run({ trigger_type: 'on_workflow_start' }),
        schedule({ trigger_type: 'on_jobs_ready', jobs: ['train_2', 'train_1'], num_allocations: 2 }),
      ]),
    );
    expect(b.documents.actions).toEqual([
      {
        _key: 'wf-x1',
        _id: 'actions/wf-x1',
        workflow: 'wf',
        trigger_type: 'on_workflow_start',
        action_type: 'run_commands',
        commands: ['echo hi'],
      },
      {
        _key: 'wf-x2',
        _id: 'actions/wf-x2',
        workflow: 'wf',
        trigger_type: 'on_jobs_ready',
        action_type: 'schedule_nodes',
        // Spec order after expansion (prep, train_1, train_2, …), whatever the order written.
        job_keys: ['wf-j2', 'wf-j3'],
        scheduler: 'wf-s1',
        scheduler_type: 'slurm',
        num_allocations: 2,
      },
    ]);
    const edgeCount = Object.values(b.edges).reduce((n, e) => n + (e?.length ?? 0), 0);
    expect(edgeCount).toBe(build({ name: 'w', jobs, slurm_schedulers: slurm }).edges.blocks!.length);
  });

  it('keeps the other fields as given and defaults num_allocations to 1 and scheduler_type to the scheduler’s', () => {
    const [doc] = build(
      spec([
        schedule({
          trigger_type: 'on_workflow_start',
          start_one_worker_per_node: true,
          max_parallel_jobs: 4,
          persistent: false,
        }),
      ]),
    ).documents.actions!;
    expect(doc).toMatchObject({
      scheduler: 'wf-s1',
      scheduler_type: 'slurm',
      num_allocations: 1,
      start_one_worker_per_node: true,
      max_parallel_jobs: 4,
      persistent: false,
    });
    expect(doc).not.toHaveProperty('job_keys');
  });

  it('selects jobs by unanchored regex (as Rust Regex::is_match), by name, or both, deduplicated', () => {
    const b = build(
      spec([
        run({ trigger_type: 'on_jobs_complete', job_name_regexes: ['train_'] }),
        run({ trigger_type: 'on_jobs_complete', job_name_regexes: ['^train_\\d+$'] }),
        run({ trigger_type: 'on_jobs_ready', jobs: ['report', 'train_3'], job_name_regexes: ['_3$', 'rep'] }),
        run({ trigger_type: 'on_jobs_ready', job_name_regexes: ['.*'] }),
      ]),
    );
    expect(selected(b)).toEqual([
      ['train_1', 'train_2', 'train_3', 'pre_train_x'],
      ['train_1', 'train_2', 'train_3'],
      // "rep" is found inside "prep" too.
      ['prep', 'train_3', 'report'],
      ['prep', 'train_1', 'train_2', 'train_3', 'pre_train_x', 'report'],
    ]);
  });

  it('resolves job selectors on workflow triggers too (torc specs write them there)', () => {
    const b = build(spec([schedule({ trigger_type: 'on_workflow_start', jobs: ['prep'] })]));
    expect(selected(b)).toEqual([['prep']]);
  });

  it('stores the worker triggers', () => {
    const b = build(
      spec([run({ trigger_type: 'on_worker_start', persistent: true }), run({ trigger_type: 'on_worker_complete' })]),
    );
    expect(b.documents.actions!.map((a) => [a.trigger_type, a.persistent])).toEqual([
      ['on_worker_start', true],
      ['on_worker_complete', undefined],
    ]);
  });

  it('schedules on any kind of scheduler', () => {
    const b = build(
      spec([schedule({ trigger_type: 'on_workflow_start', scheduler: 'cloud' })], {
        local_schedulers: [{ name: 'here' }],
        aws_schedulers: [{ name: 'cloud' }],
      }),
    );
    expect(b.documents.actions![0]).toMatchObject({ scheduler: 'wf-s3', scheduler_type: 'aws' });
  });

  it('names a job, regex or scheduler that matches nothing by its path', () => {
    const issues = issuesOf(() =>
      build(
        spec([
          run({ trigger_type: 'on_jobs_ready', jobs: ['prep', 'train_9'] }),
          run({ trigger_type: 'on_jobs_ready', job_name_regexes: ['train_', 'eval_.*'] }),
          schedule({ trigger_type: 'on_workflow_start', scheduler: 'gpu2' }),
        ]),
      ),
    );
    expect(issues).toEqual([
      { path: 'actions[0].jobs[1]', message: 'no job named "train_9"' },
      { path: 'actions[1].job_name_regexes[1]', message: 'regex "eval_.*" matches no job' },
      { path: 'actions[2].scheduler', message: 'no scheduler named "gpu2"' },
    ]);
  });

  it('refuses a scheduler_type other than the named scheduler’s', () => {
    const issues = issuesOf(() =>
      build(
        spec([schedule({ trigger_type: 'on_workflow_start', scheduler: 'here', scheduler_type: 'slurm' })], {
          local_schedulers: [{ name: 'here' }],
        }),
      ),
    );
    expect(issues).toEqual([
      {
        path: 'actions[0].scheduler_type',
        message: 'scheduler "here" is a local scheduler (local_schedulers[0]), not slurm',
      },
    ]);
    expectIssue(
      spec([schedule({ trigger_type: 'on_workflow_start', scheduler_type: 'pbs' })]),
      'actions[0].scheduler_type',
      /./,
    );
  });

  it('validates what each trigger and action type needs', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [run({ trigger_type: 'on_jobs_ready' }), 'actions[0]', /on_jobs_ready needs "jobs" or "job_name_regexes"/],
      [run({ trigger_type: 'on_jobs_complete', jobs: [], job_name_regexes: [] }), 'actions[0]', /needs "jobs"/],
      [run({ trigger_type: 'on_workflow_start', commands: [] }), 'actions[0].commands', /at least one command/],
      [{ trigger_type: 'on_workflow_start', action_type: 'run_commands' }, 'actions[0].commands', /at least one/],
      [run({ trigger_type: 'on_workflow_start', commands: [''] }), 'actions[0].commands[0]', /non-empty/],
      [
        { trigger_type: 'on_workflow_start', action_type: 'schedule_nodes' },
        'actions[0].scheduler',
        /needs the name of a scheduler/,
      ],
      [
        schedule({ trigger_type: 'on_workflow_start', commands: ['x'] }),
        'actions[0].commands',
        /only for action_type run_commands/,
      ],
      [
        run({ trigger_type: 'on_workflow_start', scheduler: 'gpu' }),
        'actions[0].scheduler',
        /only for action_type schedule_nodes/,
      ],
      [run({ trigger_type: 'on_workflow_start', max_parallel_jobs: 2 }), 'actions[0].max_parallel_jobs', /only for/],
      [schedule({ trigger_type: 'on_workflow_start', num_allocations: 0 }), 'actions[0].num_allocations', /./],
      [schedule({ trigger_type: 'on_workflow_start', max_parallel_jobs: 1.5 }), 'actions[0].max_parallel_jobs', /./],
      [schedule({ trigger_type: 'on_workflow_start', persistent: 'yes' }), 'actions[0].persistent', /./],
      [run({ trigger_type: 'on_job_ready' }), 'actions[0].trigger_type', /on_jobs_ready/],
      [run({ trigger_type: 'on_workflow_start', action_type: 'notify' }), 'actions[0].action_type', /run_commands/],
      [
        run({ trigger_type: 'on_jobs_ready', job_name_regexes: ['(['] }),
        'actions[0].job_name_regexes[0]',
        /invalid regex/,
      ],
      [run({ trigger_type: 'on_workflow_start', comands: ['x'] }), 'actions[0].comands', /^unknown field/],
    ];
    for (const [action, path, message] of cases) expectIssue(spec([action]), path, message);
  });

  it('expands parameters before selecting: a regex sees the expanded names', () => {
    const parsed = validateSpec(spec([run({ trigger_type: 'on_jobs_ready', jobs: ['train_{i}'] })]));
    expect(parsed.actions[0]!.jobs).toEqual(['train_{i}']);
    expectIssue(
      spec([run({ trigger_type: 'on_jobs_ready', jobs: ['train_{i}'] })]),
      'actions[0].jobs[0]',
      /no job named "train_\{i\}"/,
    );
  });
});
