import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../core/errors.js';
import { specToBundle } from './index.js';

describe('${user_data.input.X} / ${user_data.output.X} (torc)', () => {
  it('are replaced by the data as JSON and declare the relation, like the file forms', () => {
    const b = specToBundle(
      {
        name: 'w',
        user_data: [{ name: 'cfg', data: { lr: 0.1 } }, { name: 'result' }],
        jobs: [
          { name: 'a', command: "train --cfg '${user_data.input.cfg}' > ${user_data.output.result}" },
          { name: 'b', command: 'show', input_user_data: ['result'] },
        ],
      },
      { workflowKey: 'wf' },
    );
    expect(b.documents.jobs![0]!.command).toBe('train --cfg \'{"lr":0.1}\' > null');
    expect(b.edges.consumes?.map((e) => [e._from, e._to])).toEqual([
      ['jobs/wf-j1', 'user_data/wf-u1'],
      ['jobs/wf-j2', 'user_data/wf-u2'],
    ]);
    expect(b.edges.stores?.map((e) => [e._from, e._to])).toEqual([['jobs/wf-j1', 'user_data/wf-u2']]);
  });

  it('name an unknown item by the command path', () => {
    let err: unknown;
    try {
      specToBundle({ name: 'w', jobs: [{ name: 'a', command: 'x ${user_data.input.nope}' }] });
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).issues).toEqual([
      { path: 'jobs[0].command', message: 'job "a": ${user_data.input.nope} names no user data' },
    ]);
  });
});
