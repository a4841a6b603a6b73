import { describe, expect, it } from 'vitest';
import { compareNatural } from './natural-order.js';

describe('compareNatural', () => {
  it('orders numbers inside names by value', () => {
    expect(['step_10', 'step_2', 'step_1', 'prep'].sort(compareNatural)).toEqual([
      'prep',
      'step_1',
      'step_2',
      'step_10',
    ]);
  });

  it('is a total order: names differing only in case keep a fixed order', () => {
    expect(['b', 'B', 'a'].sort(compareNatural)).toEqual(['a', 'B', 'b']);
    expect(['B', 'b', 'a'].sort(compareNatural)).toEqual(['a', 'B', 'b']);
  });
});
