import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../core/model.js';
import { propagateFinished, type DependentGraph, type DependentState } from './propagate-finished.js';

function graph(edges: Array<[string, string]>, states: Record<string, Partial<DependentState>>): DependentGraph {
  return {
    dependentsOf: (job) => edges.filter(([from]) => from === job).map(([, to]) => to),
    stateOf: (job) =>
      states[job] && {
        status: 'blocked',
        unfinished_blockers: 1,
        cancel_on_blocking_job_failure: true,
        ...states[job],
      },
  };
}
const done = (job: string, status: JobStatus = 'completed') => [{ job, status }];

describe('propagateFinished', () => {
  it('decrements counters and readies dependents that reach zero', () => {
    const g = graph(
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
      { b: { unfinished_blockers: 1 }, c: { unfinished_blockers: 2 } },
    );
    const out = propagateFinished(done('a'), g);
    expect(out.newlyReady).toEqual(['b']);
    expect(out.updates.get('b')).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
    expect(out.updates.get('c')).toMatchObject({ status: 'blocked', unfinished_blockers: 1 });
  });

  it('cancels down a chain after a failure, stopping at jobs that do not cancel', () => {
    const g = graph(
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
      ],
      { b: {}, c: { cancel_on_blocking_job_failure: false }, d: {} },
    );
    const out = propagateFinished(done('a', 'failed'), g);
    expect(out.canceled).toEqual(['b']);
    // c does not cancel: its canceled blocker finished, so it runs.
    expect(out.newlyReady).toEqual(['c']);
    expect(out.updates.get('d')).toBeUndefined();
  });

  it('follows cancellation through every level', () => {
    const g = graph(
      [
        ['a', 'b'],
        ['b', 'c'],
        ['b', 'd'],
      ],
      { b: {}, c: {}, d: { unfinished_blockers: 3 } },
    );
    const out = propagateFinished(done('a', 'terminated'), g);
    expect(out.canceled).toEqual(['b', 'c', 'd']);
    expect(out.updates.get('d')).toMatchObject({ status: 'canceled', unfinished_blockers: 2 });
  });

  it('only decrements dependents that are not blocked, never below zero', () => {
    const g = graph(
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
      { b: { status: 'canceled', unfinished_blockers: 0 }, c: { status: 'disabled' } },
    );
    const out = propagateFinished(done('a', 'failed'), g);
    expect(out.updates.get('b')).toMatchObject({ status: 'canceled', unfinished_blockers: 0 });
    expect(out.updates.get('c')).toMatchObject({ status: 'disabled', unfinished_blockers: 0 });
    expect(out.newlyReady).toEqual([]);
    expect(out.canceled).toEqual([]);
  });

  it('sees its own updates within one call (a diamond readies its join once)', () => {
    const g = graph(
      [
        ['a', 'd'],
        ['b', 'd'],
      ],
      { d: { unfinished_blockers: 2 } },
    );
    const out = propagateFinished([...done('a'), ...done('b')], g);
    expect(out.newlyReady).toEqual(['d']);
  });
});

describe('propagateFinished: counter drift', () => {
  it('reports a waiting dependent whose counter is already 0, and still releases it', () => {
    const g = graph([['a', 'b']], { b: { unfinished_blockers: 0 } });
    const out = propagateFinished(done('a'), g);
    expect(out.drift).toEqual([{ job: 'b', blocker: 'a', status: 'blocked' }]);
    // Left blocked it would wait for ever; its counter does not go below 0.
    expect(out.updates.get('b')).toMatchObject({ status: 'ready', unfinished_blockers: 0 });
  });

  it('reports a dependent that already runs, and changes nothing else about it', () => {
    const g = graph([['a', 'b']], { b: { status: 'running', unfinished_blockers: 0 } });
    const out = propagateFinished(done('a'), g);
    expect(out.drift).toEqual([{ job: 'b', blocker: 'a', status: 'running' }]);
    expect(out.updates.get('b')).toMatchObject({ status: 'running', unfinished_blockers: 0 });
  });

  it('does not count final, disabled or uninitialized dependents, whose counters are not kept', () => {
    for (const status of ['completed', 'failed', 'canceled', 'disabled', 'uninitialized'] as const) {
      const g = graph([['a', 'b']], { b: { status, unfinished_blockers: 0 } });
      expect(propagateFinished(done('a'), g).drift, status).toEqual([]);
    }
  });
});
