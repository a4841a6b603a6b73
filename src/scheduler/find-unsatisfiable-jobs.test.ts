import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES } from '../core/model.js';
import { unsatisfiedReasons } from './find-unsatisfiable-jobs.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const capacity = { num_cpus: 4, memory_bytes: 8 * GIB, num_gpus: 0 };

describe('unsatisfiedReasons', () => {
  it('is empty for a job that fits, including exactly at the limits', () => {
    expect(unsatisfiedReasons(DEFAULT_RESOURCES, capacity)).toEqual([]);
    expect(unsatisfiedReasons({ ...DEFAULT_RESOURCES, num_cpus: 4, memory_bytes: 8 * GIB }, capacity)).toEqual([]);
  });

  it('names every dimension that does not fit', () => {
    expect(
      unsatisfiedReasons({ num_cpus: 64, memory_bytes: 512 * GIB, num_gpus: 2, num_nodes: 2, runtime_s: 60 }, capacity),
    ).toEqual([
      'needs 64 CPUs, the largest worker has 4',
      'needs 512g of memory, the largest worker has 8g',
      'needs 2 GPUs, the largest worker has 0',
      'needs 2 nodes, a single worker provides 1',
    ]);
  });

  it('judges memory in whole MiB as fits() does, so message and decision agree', () => {
    // Half a MiB over rounds up to a whole MiB more than the worker has.
    const over = { ...DEFAULT_RESOURCES, memory_bytes: 8 * GIB + MIB / 2 };
    expect(unsatisfiedReasons(over, capacity)).toHaveLength(1);
    expect(unsatisfiedReasons(over, capacity)[0]).toMatch(/of memory/);
    expect(unsatisfiedReasons({ ...DEFAULT_RESOURCES, num_cpus: 1 }, { ...capacity, num_cpus: 1 })).toEqual([]);
  });
});
