import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src/workflow-spec/index.js';
import { build, edgeNames, expectIssue, issuesOf } from './spec-test-helpers.js';

const spec = (extra: Record<string, unknown>) => ({ name: 'w', ...extra });

describe('local_schedulers', () => {
  it('parses memory and walltime, defaults nodes to 1 and leaves unset sizes to the machine', () => {
    const b = build({
      local_schedulers: [
        { name: 'laptop', num_cpus: 4, memory: '8g', num_gpus: 0, nodes: 2, walltime: '2h', max_allocations: 1 },
        { name: 'bare' },
      ],
    });
    expect(b.documents.schedulers).toEqual([
      {
        _key: 'wf-s1',
        _id: 'schedulers/wf-s1',
        workflow: 'wf',
        name: 'laptop',
        type: 'local',
        num_cpus: 4,
        memory: '8g',
        memory_bytes: 8 * 1024 ** 3,
        num_gpus: 0,
        nodes: 2,
        walltime: '2h',
        walltime_s: 7200,
        max_allocations: 1,
      },
      { _key: 'wf-s2', _id: 'schedulers/wf-s2', workflow: 'wf', name: 'bare', type: 'local', nodes: 1 },
    ]);
  });

  it('names bad values and unknown fields, suggesting the closest field', () => {
    expectIssue(
      spec({ local_schedulers: [{ name: 'l', memory: 'lots' }] }),
      'local_schedulers[0].memory',
      /invalid memory "lots"/,
    );
    expectIssue(
      spec({ local_schedulers: [{ name: 'l', walltime: 'x' }] }),
      'local_schedulers[0].walltime',
      /invalid walltime/,
    );
    expectIssue(spec({ local_schedulers: [{ name: 'l', num_cpus: 0 }] }), 'local_schedulers[0].num_cpus', /./);
    expectIssue(
      spec({ local_schedulers: [{ name: 'l', num_cpu: 2 }] }),
      'local_schedulers[0].num_cpu',
      /unknown field \(did you mean "num_cpus"\?\)/,
    );
  });
});

describe('aws_schedulers', () => {
  const full = {
    name: 'spot',
    region: 'us-west-2',
    instance_types: ['c7i.4xlarge', 'c6i.4xlarge'],
    min_cpus: 16,
    min_memory: '32g',
    min_gpus: 0,
    market: 'spot',
    max_instances: 10,
    max_price: 0.5,
    subnets: ['subnet-1'],
    security_groups: ['sg-1'],
    key_name: 'me',
    instance_profile: 'jobgraph-worker',
    ami_ssm_parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    user_data_template: './user-data.sh',
    idle_timeout: 'PT10M',
    walltime: '12:00:00',
    nodes: 2,
    on_demand_price: 0.68,
    max_allocations: 4,
  };

  it('keeps every field, with min_memory_bytes, idle_timeout_s and walltime_s parsed', () => {
    const doc = build({ aws_schedulers: [full] }).documents.schedulers![0]!;
    expect(doc).toEqual({
      _key: 'wf-s1',
      _id: 'schedulers/wf-s1',
      workflow: 'wf',
      ...full,
      type: 'aws',
      min_memory_bytes: 32 * 1024 ** 3,
      idle_timeout_s: 600,
      walltime_s: 12 * 3600,
    });
  });

  it('defaults market to spot-then-on-demand and nodes to 1', () => {
    expect(build({ aws_schedulers: [{ name: 'a' }] }).documents.schedulers![0]).toEqual({
      _key: 'wf-s1',
      _id: 'schedulers/wf-s1',
      workflow: 'wf',
      name: 'a',
      type: 'aws',
      market: 'spot-then-on-demand',
      nodes: 1,
    });
  });

  it('is strict: an unknown field is an error at its path, with a suggestion when one is close', () => {
    const issues = issuesOf(() =>
      validateSpec(
        spec({ aws_schedulers: [{ name: 'a', regoin: 'x', instance_type: 'c7i', colour: 'red', nodes: 0 }] }),
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'aws_schedulers[0].regoin', message: 'unknown field (did you mean "region"?)' },
        { path: 'aws_schedulers[0].instance_type', message: 'unknown field (did you mean "instance_types"?)' },
        { path: 'aws_schedulers[0].colour', message: 'unknown field' },
        expect.objectContaining({ path: 'aws_schedulers[0].nodes' }),
      ]),
    );
  });

  it('names every bad value by its path', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['market', 'cheap', /spot/],
      ['min_memory', '3 bytes-ish', /invalid min_memory/],
      ['idle_timeout', 'a while', /invalid idle_timeout "a while" \(ISO 8601/],
      ['walltime', 'PT', /invalid walltime/],
      ['max_price', 0, /./],
      ['on_demand_price', '1', /./],
      ['instance_types', [], /not be empty/],
      ['subnets', 'subnet-1', /./],
      ['max_instances', 0, /./],
      ['min_gpus', -1, /./],
    ];
    for (const [field, value, message] of bad)
      expectIssue(spec({ aws_schedulers: [{ name: 'a', [field]: value }] }), `aws_schedulers[0].${field}`, message);
    expectIssue(
      spec({ aws_schedulers: [{ name: 'a', ami: 'ami-1', ami_ssm_parameter: '/p' }] }),
      'aws_schedulers[0].ami_ssm_parameter',
      /ami or ami_ssm_parameter, not both/,
    );
  });
});

describe('one scheduler namespace', () => {
  it('numbers documents across the lists (slurm, local, aws) and lets jobs name any of them', () => {
    const b = build({
      aws_schedulers: [{ name: 'cloud' }],
      local_schedulers: [{ name: 'here' }],
      slurm_schedulers: [{ name: 'hpc' }],
      jobs: [
        { name: 'a', command: 'x', scheduler: 'cloud' },
        { name: 'b', command: 'x', scheduler: 'here' },
        { name: 'c', command: 'x', scheduler: 'hpc' },
        { name: 'd', command: 'x' },
      ],
    });
    expect(b.documents.schedulers!.map((s) => [s._key, s.name, s.type])).toEqual([
      ['wf-s1', 'hpc', 'slurm'],
      ['wf-s2', 'here', 'local'],
      ['wf-s3', 'cloud', 'aws'],
    ]);
    expect(edgeNames(b, 'scheduled_by')).toEqual(['a->cloud', 'b->here', 'c->hpc']);
  });

  it('refuses a name used in two lists, naming both places', () => {
    expectIssue(
      spec({ slurm_schedulers: [{ name: 'x' }], aws_schedulers: [{ name: 'y' }, { name: 'x' }] }),
      'aws_schedulers[1].name',
      /duplicate scheduler name "x" \(also at slurm_schedulers\[0\]\)/,
    );
    expectIssue(
      spec({ local_schedulers: [{ name: 'x' }], aws_schedulers: [{ name: 'x' }] }),
      'aws_schedulers[0].name',
      /also at local_schedulers\[0\]/,
    );
  });
});
