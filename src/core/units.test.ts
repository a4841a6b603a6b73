import { describe, expect, it } from 'vitest';
import { formatMemory, parseDuration, parseMemory } from './units.js';

describe('parseMemory', () => {
  it.each([
    ['512m', 512 * 1024 ** 2],
    ['2g', 2 * 1024 ** 3],
    ['1.5t', 1.5 * 1024 ** 4],
    ['180GiB', 180 * 1024 ** 3],
    ['100', 100],
    [4096, 4096],
  ])('%s → %d bytes', (input, bytes) => expect(parseMemory(input)).toBe(bytes));

  it.each(['', 'g', '2x', '-1g', '1.2.3g', 'lots'])('rejects %j', (input) =>
    expect(parseMemory(input)).toBeUndefined(),
  );

  it('formats round values back', () => {
    expect(formatMemory(2 * 1024 ** 3)).toBe('2g');
    expect(formatMemory(512 * 1024 ** 2)).toBe('512m');
  });
});

describe('parseDuration', () => {
  it.each([
    ['PT30M', 1800],
    ['PT1H', 3600],
    ['P1DT2H', 93600],
    ['PT1.5S', 1.5],
    ['2h', 7200],
    ['1h30m', 5400],
    ['90s', 90],
    ['90', 90],
  ])('%s → %d s', (input, seconds) => expect(parseDuration(input)).toBe(seconds));

  it.each(['', 'P', 'PT', 'soon', 'PT1H30', '1y'])('rejects %j', (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );
});
