import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { memoryFlag, nonNegativeIntFlag, positiveIntFlag } from './flags.js';

describe('CLI flag parsers', () => {
  it('parses memory sizes', () => expect(memoryFlag('180g')).toBe(180 * 1024 ** 3));
  it('rejects a bad memory size with the accepted forms', () => {
    expect(() => memoryFlag('lots')).toThrow(InvalidArgumentError);
    expect(() => memoryFlag('0g')).toThrow(/memory size/);
  });
  it('refuses a memory size without a unit, suggesting units', () => {
    expect(() => memoryFlag('4096')).toThrow(InvalidArgumentError);
    expect(() => memoryFlag('4096')).toThrow('"4096" has no unit; write e.g. 4096m or 4096g (or 4096b for bytes)');
    expect(memoryFlag('4096b')).toBe(4096);
  });
  it('parses counts', () => {
    expect(positiveIntFlag('36')).toBe(36);
    expect(nonNegativeIntFlag('0')).toBe(0);
  });
  it('rejects bad counts', () => {
    expect(() => positiveIntFlag('0')).toThrow(/≥ 1/);
    expect(() => positiveIntFlag('2.5')).toThrow(InvalidArgumentError);
    expect(() => nonNegativeIntFlag('-1')).toThrow(InvalidArgumentError);
  });
});
