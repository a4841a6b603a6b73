import { describe, expect, it } from 'vitest';
import { formatSlurmTime, parseSlurmMemory } from './slurm-units.js';

describe('formatSlurmTime', () => {
  it.each([
    [60, '0-00:01:00'],
    [61, '0-00:02:00'],
    [1, '0-00:01:00'],
    [3600, '0-01:00:00'],
    [4 * 3600 + 59 * 60 + 30, '0-05:00:00'],
    [86400 + 2 * 3600 + 30 * 60, '1-02:30:00'],
    [10 * 86400, '10-00:00:00'],
  ])('%d s → %s', (seconds, text) => expect(formatSlurmTime(seconds)).toBe(text));
});

describe('parseSlurmMemory', () => {
  const MB = 1024 ** 2;
  it.each([
    ['64G', 64 * 1024 * MB],
    ['64g', 64 * 1024 * MB],
    ['512M', 512 * MB],
    ['240000', 240000 * MB],
    [240000, 240000 * MB],
    ['1T', 1024 * 1024 * MB],
    ['2048K', 2 * MB],
    ['0', 0],
  ])('%j → %d bytes', (value, bytes) => expect(parseSlurmMemory(value)).toBe(bytes));

  it.each(['1.5G', '-1', 'lots', '', '4X', 1.5])('refuses %j', (value) =>
    expect(parseSlurmMemory(value)).toBeUndefined(),
  );
});
