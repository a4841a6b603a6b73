import { describe, expect, it } from 'vitest';
import { rowidRanges } from './rowid-ranges.js';

describe('rowidRanges', () => {
  it('covers contiguous rowids with ranges of at most maxRows', () => {
    const rowids = Array.from({ length: 10 }, (_, i) => 101 + i);
    expect(rowidRanges(rowids, 4)).toEqual([
      [101, 104],
      [105, 108],
      [109, 110],
    ]);
  });

  it('sorts its input and starts a new range where the rowids spread out past maxSpan', () => {
    expect(rowidRanges([5000, 3, 1, 2, 4800], 100, 10)).toEqual([
      [1, 3],
      [4800, 4800],
      [5000, 5000],
    ]);
  });

  it('covers every rowid exactly once, in order', () => {
    const rowids = Array.from({ length: 1000 }, (_, i) => i * 7 + (i % 3));
    const ranges = rowidRanges(rowids, 64, 300);
    const covered = rowids.filter((r) => ranges.some(([a, b]) => a <= r && r <= b));
    expect(covered).toHaveLength(rowids.length);
    for (const [a, b] of ranges) {
      expect(b).toBeGreaterThanOrEqual(a);
      expect(b - a).toBeLessThan(300);
      expect(rowids.filter((r) => a <= r && r <= b).length).toBeLessThanOrEqual(64);
    }
    for (let k = 1; k < ranges.length; k++) expect(ranges[k]![0]).toBeGreaterThan(ranges[k - 1]![1]);
  });

  it('is empty for no rowids', () => {
    expect(rowidRanges([])).toEqual([]);
  });
});
