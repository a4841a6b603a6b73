import { describe, expect, it } from 'vitest';
import { findCycle, findCycles } from './find-cycle.js';

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
