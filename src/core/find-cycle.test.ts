import { describe, expect, it } from 'vitest';
import { findNumberedCycle, findNumberedCycles, type NumberedEdges } from './find-cycle.js';

/** Edges from `[from, to]` pairs. */
const edges = (pairs: Array<[number, number]>): NumberedEdges => ({
  from: pairs.map(([a]) => a),
  to: pairs.map(([, b]) => b),
});

describe('findNumberedCycle on small graphs', () => {
  it('returns undefined for a DAG', () => {
    expect(
      findNumberedCycle(
        4,
        edges([
          [0, 1],
          [0, 2],
          [1, 3],
          [2, 3],
        ]),
      ),
    ).toBeUndefined();
  });

  it('names the nodes of a cycle in edge order', () => {
    // 0 → 1 → 2 → 3 → 1: the cycle is 1, 2, 3.
    const cycle = findNumberedCycle(
      4,
      edges([
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 1],
      ]),
    )!;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(cycle.slice(0, -1).sort()).toEqual([1, 2, 3]);
    for (let i = 0; i + 1 < cycle.length; i++) {
      expect([
        [1, 2],
        [2, 3],
        [3, 1],
      ]).toContainEqual([cycle[i], cycle[i + 1]]);
    }
  });

  it('finds a self-loop', () => {
    expect(findNumberedCycle(1, edges([[0, 0]]))).toEqual([0, 0]);
  });

  it('handles a 200,000-node chain without recursion', () => {
    const n = 200_000;
    const from = Int32Array.from({ length: n - 1 }, (_, i) => i);
    const to = Int32Array.from({ length: n - 1 }, (_, i) => i + 1);
    expect(findNumberedCycle(n, { from, to })).toBeUndefined();
  });
});

describe('findNumberedCycles on small graphs', () => {
  it('names every disjoint cycle, each once', () => {
    const cycles = findNumberedCycles(
      5,
      edges([
        [0, 1],
        [1, 0],
        [2, 3],
        [3, 2],
        [3, 4],
      ]),
    );
    expect(cycles).toEqual([
      [0, 1, 0],
      [2, 3, 2],
    ]);
  });

  it('is empty for a DAG and stops at the cap', () => {
    expect(findNumberedCycles(2, edges([[0, 1]]))).toEqual([]);
    const selfLoops = edges(Array.from({ length: 30 }, (_, i): [number, number] => [i, i]));
    expect(findNumberedCycles(30, selfLoops, 5)).toHaveLength(5);
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
