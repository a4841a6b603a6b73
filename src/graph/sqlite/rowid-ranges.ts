/**
 * Cover a set of rowids with `[first, last]` ranges for statements that walk the table by rowid
 * (`WHERE rowid BETWEEN ? AND ?`): each range holds at most `maxRows` of the given rowids and
 * spans at most `maxSpan` rowids, so a statement touches a bounded number of rows however the
 * set is spread through the table (a workflow's jobs are contiguous when created together, not
 * when jobs were added later). Pure; O(n log n) for the sort.
 */
export function rowidRanges(
  rowids: readonly number[],
  maxRows = 50_000,
  maxSpan = 2 * maxRows,
): Array<[number, number]> {
  const sorted = Float64Array.from(rowids).sort();
  const ranges: Array<[number, number]> = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let j = i;
    while (j + 1 < sorted.length && j + 1 - i < maxRows && sorted[j + 1]! - first < maxSpan) j++;
    ranges.push([first, sorted[j]!]);
    i = j + 1;
  }
  return ranges;
}
