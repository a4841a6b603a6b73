import { describe, expect, it } from 'vitest';
import { findCycle, findCycles, findNumberedCycle, findNumberedCycles } from './find-cycle.js';

describe('findCycle', () => {
  it('returns undefined for a DAG', () => {
    expect(
      findCycle(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['a', 'c'],
          ['b', 'd'],
          ['c', 'd'],
        ],
      ),
    ).toBeUndefined();
  });

  it('names the nodes of a cycle in edge order', () => {
    const cycle = findCycle(
      ['x', 'a', 'b', 'c'],
      [
        ['x', 'a'],
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ],
    )!;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(cycle.slice(0, -1).sort()).toEqual(['a', 'b', 'c']);
    for (let i = 0; i + 1 < cycle.length; i++) {
      expect([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ]).toContainEqual([cycle[i], cycle[i + 1]]);
    }
  });

  it('finds a self-loop', () => {
    expect(findCycle(['a'], [['a', 'a']])).toEqual(['a', 'a']);
  });

  it('handles a 200,000-node chain without recursion', () => {
    const n = 200_000;
    const nodes = Array.from({ length: n }, (_, i) => String(i));
    const edges = nodes.slice(1).map((v, i) => [String(i), v] as const);
    expect(findCycle(nodes, edges)).toBeUndefined();
  });
});

describe('findCycles', () => {
  it('names every disjoint cycle, each once', () => {
    const cycles = findCycles(
      ['a', 'b', 'c', 'd', 'e'],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['c', 'd'],
        ['d', 'c'],
        ['d', 'e'],
      ],
    );
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
  });

  it('is empty for a DAG and stops at the cap', () => {
    expect(findCycles(['a', 'b'], [['a', 'b']])).toEqual([]);
    const selfLoops = Array.from({ length: 30 }, (_, i) => [`n${i}`, `n${i}`] as const);
    expect(findCycles([], selfLoops, 5)).toHaveLength(5);
  });
});

describe('findNumberedCycle', () => {
  it('reads edges from typed arrays and returns the cycle in edge order', () => {
    // 0 → 1 → 2 → 3 → 1, and 4 isolated.
    const edges = { from: Int32Array.of(0, 1, 2, 3), to: Int32Array.of(1, 2, 3, 1) };
    expect(findNumberedCycle(5, edges)).toEqual([1, 2, 3, 1]);
  });

  it('is undefined for a DAG whose edges come in any order', () => {
    const edges = { from: [3, 0, 2, 0], to: [4, 1, 3, 2] };
    expect(findNumberedCycle(5, edges)).toBeUndefined();
  });

  it('searches the first `starts` nodes first, then sources in edge order', () => {
    // Two disjoint cycles: 2 ⇄ 3 and 0 ⇄ 1. With starts = 0 the first edge's source (2) leads.
    const edges = { from: [2, 3, 0, 1], to: [3, 2, 1, 0] };
    expect(findNumberedCycle(4, edges)).toEqual([0, 1, 0]);
    expect(findNumberedCycle(4, edges, 0)).toEqual([2, 3, 2]);
  });

  it('names each disjoint cycle once in findNumberedCycles', () => {
    const edges = { from: [0, 1, 2, 3, 3, 5], to: [1, 0, 3, 2, 4, 5] };
    expect(findNumberedCycles(6, edges)).toEqual([
      [0, 1, 0],
      [2, 3, 2],
      [5, 5],
    ]);
    expect(findNumberedCycles(6, edges, 2)).toHaveLength(2);
  });
});
