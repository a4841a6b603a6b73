import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../core/model.js';
import { planJobReset, type ResetGraph } from './plan-job-reset.js';

function graph(status: Record<string, JobStatus>, blocks: Array<[string, string]>): ResetGraph {
  return {
    statusOf: (j) => status[j],
    blockersOf: (j) => blocks.filter(([, to]) => to === j).map(([from]) => from),
    dependentsOf: (j) => blocks.filter(([from]) => from === j).map(([, to]) => to),
  };
}

describe('planJobReset', () => {
  it('counts reset and unfinished blockers, not finished ones', () => {
    // a(completed) → c, b(failed) → c, c → d; reset b, c, d.
    const g = graph({ a: 'completed', b: 'failed', c: 'canceled', d: 'canceled' }, [
      ['a', 'c'],
      ['b', 'c'],
      ['c', 'd'],
    ]);
    expect(planJobReset(['b', 'c', 'd'], g)).toEqual({
      reset: [
        { _key: 'b', status: 'ready', unfinished_blockers: 0 },
        { _key: 'c', status: 'blocked', unfinished_blockers: 1 },
        { _key: 'd', status: 'blocked', unfinished_blockers: 1 },
      ],
      waiting: [],
    });
  });

  it('recomputes waiting dependents left out of the reset', () => {
    // running workflow: a completed, x blocked on a and r (running); y ready on a only.
    const g = graph({ a: 'completed', r: 'running', x: 'blocked', y: 'ready', z: 'completed' }, [
      ['a', 'x'],
      ['r', 'x'],
      ['a', 'y'],
      ['a', 'z'],
    ]);
    expect(planJobReset(['a'], g)).toEqual({
      reset: [{ _key: 'a', status: 'ready', unfinished_blockers: 0 }],
      waiting: [
        { _key: 'x', status: 'blocked', unfinished_blockers: 2 },
        { _key: 'y', status: 'blocked', unfinished_blockers: 1 },
      ],
    });
  });
});
