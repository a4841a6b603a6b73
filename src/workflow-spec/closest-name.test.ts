import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name.js';

const FIELDS = ['region', 'instance_types', 'min_cpus', 'min_memory', 'market', 'max_price', 'subnets'];

describe('closestName', () => {
  it.each([
    ['regoin', 'region'],
    ['instance_type', 'instance_types'],
    ['min_cpu', 'min_cpus'],
    ['Market', 'market'],
    ['max_prize', 'max_price'],
    ['subnet', 'subnets'],
  ])('%s → %s', (input, expected) => expect(closestName(input, FIELDS)).toBe(expected));

  it.each(['account', 'partition', 'x', 'zzzzzzzz'])('offers nothing for the unrelated %s', (input) =>
    expect(closestName(input, FIELDS)).toBeUndefined(),
  );

  it('offers nothing when there is nothing to choose from', () => expect(closestName('a', [])).toBeUndefined());
});
