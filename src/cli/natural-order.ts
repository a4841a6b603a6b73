/** Natural order for names people give jobs: `step_2` before `step_10`, case only breaking ties. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compare two names naturally (for `Array.prototype.sort`). */
export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
