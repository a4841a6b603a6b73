import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { specToBundle } from './index.js';

const names = (b: ReturnType<typeof specToBundle>, kind: 'jobs') => (b.documents[kind] ?? []).map((d) => d.name);

describe('fan-in (one job that waits for all)', () => {
  it('makes an aggregate listing the sweep parameters but not using them in its name one job', () => {
    const b = specToBundle(
      {
        name: 'w',
        jobs: [
          { name: 'train_{lr}_{bs}', command: 'train {lr} {bs}', parameters: { lr: '[1,2]', bs: '[8,16]' } },
          {
            name: 'aggregate',
            command: 'agg',
            depends_on: ['train_{lr}_{bs}'],
            parameters: { lr: '[1,2]', bs: '[8,16]' },
          },
        ],
      },
      { workflowKey: 'wf' },
    );
    expect(names(b, 'jobs')).toEqual(['train_1_8', 'train_1_16', 'train_2_8', 'train_2_16', 'aggregate']);
    expect((b.edges.blocks ?? []).map((e) => e._from)).toEqual([
      'jobs/wf-j1',
      'jobs/wf-j2',
      'jobs/wf-j3',
      'jobs/wf-j4',
    ]);
    expect(new Set((b.edges.blocks ?? []).map((e) => e._to))).toEqual(new Set(['jobs/wf-j5']));
  });

  it('merges per name when the name uses some parameters (one aggregate per learning rate)', () => {
    const b = specToBundle({
      name: 'w',
      jobs: [
        { name: 't_{lr}_{bs}', command: 'x', parameters: { lr: '[1,2]', bs: '[8,16]' } },
        {
          name: 'per_lr_{lr}',
          command: 'agg {lr}',
          depends_on: ['t_{lr}_{bs}'],
          parameters: { lr: '[1,2]', bs: '[8,16]' },
        },
      ],
    });
    expect(names(b, 'jobs')).toEqual(['t_1_8', 't_1_16', 't_2_8', 't_2_16', 'per_lr_1', 'per_lr_2']);
    expect(b.edges.blocks).toHaveLength(4);
  });

  it('gives one issue per definition, naming the parameter the name is missing', () => {
    let err: unknown;
    try {
      specToBundle({ name: 'w', jobs: [{ name: 'run', command: 'run {i} {j}', parameters: { i: '1:17', j: '1:2' } }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'jobs[0].name' });
    expect(issues[0]!.message).toMatch(
      /"run" does not use parameters i, j, so 34 expanded jobs .* put \{i\} and \{j\} in the name/,
    );
  });
});
