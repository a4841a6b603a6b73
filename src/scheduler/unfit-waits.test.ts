import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES, type Resources } from '../core/model.js';
import type { ClaimedJob } from '../graph/graph-store.js';
import { UnfitWaits, unfitReason } from './unfit-waits.js';

const GIB = 1024 ** 3;
const small = { num_cpus: 2, memory_bytes: 16 * GIB, num_gpus: 0 };

function queued(job: string, resources: Partial<Resources>, workflow = 'wf'): ClaimedJob {
  return { workflow, job, name: `name_${job}`, attempt: 1, resources: { ...DEFAULT_RESOURCES, ...resources } };
}

describe('UnfitWaits', () => {
  it('reports a class once, only after the threshold, with the requirement and the largest worker', () => {
    const waits = new UnfitWaits(30_000);
    const jobs = [queued('a', { memory_bytes: 500 * GIB }), queued('b', { memory_bytes: 500 * GIB }), queued('c', {})];
    expect(waits.check(jobs, [small], 0)).toEqual([]);
    expect(waits.check(jobs, [small], 29_999)).toEqual([]);
    const [report, ...more] = waits.check(jobs, [small], 30_000);
    expect(more).toEqual([]);
    expect(report).toMatchObject({
      workflow: 'wf',
      job: 'a',
      name: 'name_a',
      jobs: 2,
      requirement: { memory_bytes: 500 * GIB },
      largest: small,
      reason: 'no worker with 500g memory (largest: 16g)',
    });
    // Later passes say nothing more about the same class.
    expect(waits.check(jobs, [small], 60_000)).toEqual([]);
  });

  it('says nothing of jobs that fit a worker, nor when no worker is alive', () => {
    const waits = new UnfitWaits(0);
    expect(waits.check([queued('c', { num_cpus: 2, memory_bytes: 16 * GIB })], [small], 0)).toEqual([]);
    expect(waits.check([queued('a', { memory_bytes: 500 * GIB })], [], 0)).toEqual([]);
  });

  it('forgets a class that fitted again, so a later unfit spell is reported again', () => {
    const waits = new UnfitWaits(10);
    const jobs = [queued('a', { num_gpus: 1 })];
    expect(waits.check(jobs, [small], 0)).toEqual([]);
    expect(waits.check(jobs, [{ ...small, num_gpus: 1 }], 5)).toEqual([]);
    expect(waits.check(jobs, [small], 6)).toEqual([]);
    expect(waits.check(jobs, [small], 15)).toEqual([]); // the spell began at 6
    expect(waits.check(jobs, [small], 16)).toHaveLength(1);
  });

  it('keeps classes of different workflows apart', () => {
    const waits = new UnfitWaits(0);
    const due = waits.check([queued('a', { num_cpus: 8 }, 'w1'), queued('b', { num_cpus: 8 }, 'w2')], [small], 0);
    expect(due.map((r) => r.workflow).sort()).toEqual(['w1', 'w2']);
  });
});

describe('unfitReason', () => {
  it('names each dimension too large, and the combination when each alone fits some worker', () => {
    expect(unfitReason({ num_cpus: 64, memory_bytes: GIB, num_gpus: 2, num_nodes: 1 }, small)).toBe(
      'no worker with 64 CPUs (largest: 2), 2 GPUs (largest: 0)',
    );
    expect(
      unfitReason({ num_cpus: 2, memory_bytes: 16 * GIB, num_gpus: 1, num_nodes: 1 }, { ...small, num_gpus: 1 }),
    ).toBe('no single worker with 2 CPUs, 16g memory and 1 GPU');
  });
});
