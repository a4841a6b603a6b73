import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import type { SchedulerDoc } from '../../core/model.js';
import { validateLocalScheduler } from './validate-local-scheduler.js';

const local = (fields: Record<string, unknown>): SchedulerDoc => ({
  _key: 'wf-s0',
  _id: 'schedulers/wf-s0',
  workflow: 'wf',
  name: 'here',
  type: 'local',
  nodes: 1,
  ...fields,
});

describe('validateLocalScheduler', () => {
  it('accepts sizes that are positive, and none', () => {
    expect(() => validateLocalScheduler(local({}))).not.toThrow();
    expect(() =>
      validateLocalScheduler(local({ num_cpus: 2, memory_bytes: 1024, num_gpus: 0, walltime_s: 60, nodes: 3 })),
    ).not.toThrow();
  });

  it.each([
    [{ num_cpus: 0 }, 'local_schedulers.here.num_cpus'],
    [{ num_cpus: 1.5 }, 'local_schedulers.here.num_cpus'],
    [{ memory_bytes: -1 }, 'local_schedulers.here.memory_bytes'],
    [{ num_gpus: -1 }, 'local_schedulers.here.num_gpus'],
    [{ walltime_s: 0 }, 'local_schedulers.here.walltime_s'],
    [{ nodes: 0 }, 'local_schedulers.here.nodes'],
  ])('rejects %j at %s', (fields, path) => {
    const err = (() => {
      try {
        validateLocalScheduler(local(fields));
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.issues.map((i) => i.path)).toEqual([path]);
  });
});
