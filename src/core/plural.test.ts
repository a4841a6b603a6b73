import { describe, expect, it } from 'vitest';
import { plural } from './plural.js';

describe('plural', () => {
  it('says 1 job, 0 jobs, 2 jobs, and takes an irregular plural', () => {
    expect(plural(1, 'job')).toBe('1 job');
    expect(plural(0, 'job')).toBe('0 jobs');
    expect(plural(2, 'job')).toBe('2 jobs');
    expect(plural(3, 'attempt is', 'attempts are')).toBe('3 attempts are');
  });
});
