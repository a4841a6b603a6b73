import { describe, expect, it } from 'vitest';
import {
  formatMemory,
  MAX_DURATION_S,
  MAX_MEMORY_BYTES,
  parseDuration,
  parseMemory,
  parseSlurmDuration,
  parseWalltime,
  unitTooLarge,
} from './units.js';

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

describe('parseSlurmDuration', () => {
  it.each([
    ['90', 90 * 60],
    ['0', 0],
    ['30:00', 1800],
    ['05:30', 330],
    ['04:00:00', 4 * 3600],
    ['48:00:00', 48 * 3600],
    ['00:08:00', 480],
    ['2-12', 2 * 86400 + 12 * 3600],
    ['1-02:30', 86400 + 2 * 3600 + 30 * 60],
    ['1-02:30:15', 86400 + 2 * 3600 + 30 * 60 + 15],
    [' 01:00:00 ', 3600],
    [90, 90 * 60],
  ])('%j → %d s', (input, seconds) => expect(parseSlurmDuration(input)).toBe(seconds));

  it.each([
    '',
    'PT4H',
    '2h',
    '1:2:3:4',
    '01:75:00',
    '01:00:60',
    '75:60',
    '1-24:00:00',
    '1-02:60',
    '-1',
    '1.5',
    'UNLIMITED',
    '1-',
    '-02:00',
    1.5,
    -1,
  ])('rejects %j', (input) => expect(parseSlurmDuration(input)).toBeUndefined());
});

describe('parseWalltime', () => {
  it.each([
    ['04:00:00', 4 * 3600],
    ['90', 90 * 60],
    ['1-00:00:00', 86400],
    ['PT4H', 4 * 3600],
    ['P1DT2H', 93600],
    ['2h', 7200],
    ['1h30m', 5400],
    [30, 1800],
  ])('%j → %d s', (input, seconds) => expect(parseWalltime(input)).toBe(seconds));

  it.each(['00:00:00', '0', 'PT0S', '1.5', 'soon', '', '01:75:00', 0])('rejects %j', (input) =>
    expect(parseWalltime(input)).toBeUndefined(),
  );
});

describe('values too large to hold exactly', () => {
  // 1e400: Number() makes it Infinity, which JSON would store as null.
  const huge = '1' + '0'.repeat(400);
  const cases = <T>(list: Array<[string, T]>) => list;

  it.each(
    cases<string | number>([
      ['1e400 g', `${huge}g`],
      ['1e400 bytes', huge],
      ['9000t', '9000t'],
      ['1e300', 1e300],
      ['Infinity', Infinity],
      ['NaN', Number.NaN],
    ]),
  )('parseMemory refuses %s', (_label, input) => expect(parseMemory(input)).toBeUndefined());

  it('parseMemory accepts sizes up to MAX_MEMORY_BYTES', () => {
    expect(parseMemory('8191t')).toBe(8191 * 1024 ** 4);
    expect(parseMemory(MAX_MEMORY_BYTES)).toBe(MAX_MEMORY_BYTES);
    expect(parseMemory(MAX_MEMORY_BYTES + 2)).toBeUndefined();
  });

  it.each(
    cases<string | number>([
      ['PT1e400H', `PT${huge}H`],
      ['1e400h', `${huge}h`],
      ['1e400 s', huge],
      ['P1e400D', `P${huge}D`],
      ['1e300', 1e300],
      ['Infinity', Infinity],
    ]),
  )('parseDuration refuses %s', (_label, input) => expect(parseDuration(input)).toBeUndefined());

  it('parseDuration accepts durations up to MAX_DURATION_S', () => {
    expect(parseDuration(MAX_DURATION_S)).toBe(MAX_DURATION_S);
    expect(parseDuration(`${MAX_DURATION_S}`)).toBe(MAX_DURATION_S);
    expect(parseDuration(MAX_DURATION_S + 1)).toBeUndefined();
  });

  it.each(
    cases<string | number>([
      ['1e400 minutes', huge],
      ['1e400 days', `${huge}-00`],
      ['1e400 hours', `${huge}:00:00`],
      ['1e300', 1e300],
    ]),
  )('parseSlurmDuration and parseWalltime refuse %s', (_label, input) => {
    expect(parseSlurmDuration(input)).toBeUndefined();
    expect(parseWalltime(input)).toBeUndefined();
  });

  it('parses a memory size padded with a long run of spaces in linear time', () => {
    const started = performance.now();
    expect(parseMemory(`1${' '.repeat(200_000)}!`)).toBeUndefined();
    expect(parseMemory(`  2g${' '.repeat(200_000)}`)).toBe(2 * 1024 ** 3);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('unitTooLarge', () => {
  it('tells a value too large from a malformed one', () => {
    const huge = '1' + '0'.repeat(400);
    expect(unitTooLarge('memory', `${huge}g`)).toBe(true);
    expect(unitTooLarge('memory', '9000t')).toBe(true);
    expect(unitTooLarge('memory', 'lots')).toBe(false);
    expect(unitTooLarge('memory', -1)).toBe(false);
    expect(unitTooLarge('duration', `PT${huge}H`)).toBe(true);
    expect(unitTooLarge('duration', 'soon')).toBe(false);
    expect(unitTooLarge('walltime', `${huge}:00:00`)).toBe(true);
    expect(unitTooLarge('walltime', '01:75:00')).toBe(false);
  });
});
