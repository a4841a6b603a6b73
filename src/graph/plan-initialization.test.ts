import { describe, expect, it } from 'vitest';
import { CycleError } from '../core/errors.js';
import type { JobStatus } from '../core/model.js';
import { planInitialization, type InitializationInput } from './plan-initialization.js';

const jobs = (...names: string[]) =>
  names.map((n) => ({ _key: n, name: `name-${n}`, status: 'uninitialized' as JobStatus }));
const empty: Omit<InitializationInput, 'jobs'> = { blocks: [], produces: [], needs: [], stores: [], consumes: [] };

describe('planInitialization', () => {
  it('derives one blocks edge per writer/reader pair from files and user data', () => {
    const plan = planInitialization({
      ...empty,
      jobs: jobs('w', 'r1', 'r2', 's', 'c'),
      produces: [
        ['w', 'f1'],
        ['w', 'f2'],
      ],
      needs: [
        ['r1', 'f1'],
        ['r1', 'f2'],
        ['r2', 'f2'],
      ],
      stores: [['s', 'u']],
      consumes: [['c', 'u']],
    });
    expect(plan.derivedBlocks.map((p) => p.join('>')).sort()).toEqual(['s>c', 'w>r1', 'w>r2']);
    expect(Object.fromEntries(plan.jobs.map((j) => [j._key, [j.status, j.unfinished_blockers]]))).toEqual({
      w: ['ready', 0],
      r1: ['blocked', 1],
      r2: ['blocked', 1],
      s: ['ready', 0],
      c: ['blocked', 1],
    });
    expect([plan.ready, plan.blocked]).toEqual([2, 3]);
  });

  it('does not duplicate existing blocks, skips self-reads and unknown jobs', () => {
    const plan = planInitialization({
      ...empty,
      jobs: jobs('a', 'b'),
      blocks: [
        ['a', 'b'],
        ['ghost', 'b'],
      ],
      produces: [
        ['a', 'f'],
        ['b', 'f'],
        ['ghost', 'f'],
      ],
      needs: [['b', 'f']],
    });
    expect(plan.derivedBlocks).toEqual([]);
    expect(plan.jobs.find((j) => j._key === 'b')).toEqual({ _key: 'b', status: 'blocked', unfinished_blockers: 1 });
  });

  it('leaves disabled jobs out and does not wait for them', () => {
    const input = { ...empty, jobs: jobs('a', 'b'), blocks: [['a', 'b']] as Array<[string, string]> };
    input.jobs[0]!.status = 'disabled';
    const plan = planInitialization(input);
    expect(plan.jobs).toEqual([{ _key: 'b', status: 'ready', unfinished_blockers: 0 }]);
  });

  it('names the jobs of a cycle, including one closed by a derived edge', () => {
    let err: unknown;
    try {
      planInitialization({
        ...empty,
        jobs: jobs('a', 'b', 'c'),
        blocks: [
          ['a', 'b'],
          ['b', 'c'],
        ],
        produces: [['c', 'f']],
        needs: [['a', 'f']],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CycleError);
    const cycle = (err as CycleError).cycle;
    expect(cycle).toHaveLength(4);
    expect(new Set(cycle)).toEqual(new Set(['name-a', 'name-b', 'name-c']));
  });
});
