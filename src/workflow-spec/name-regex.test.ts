import { describe, expect, it } from 'vitest';
import { compileNameRegex, isLiteralPattern, MAX_REGEX_LENGTH, nameRegexProblem } from './name-regex.js';

describe('name regexes', () => {
  it('match a whole name, or anywhere in it', () => {
    expect(compileNameRegex('a_\\d+', 'whole').test('a_12')).toBe(true);
    expect(compileNameRegex('a_\\d+', 'whole').test('xa_12')).toBe(false);
    expect(compileNameRegex('a|b', 'whole').test('ab')).toBe(false);
    expect(compileNameRegex('train_', 'anywhere').test('pre_train_1')).toBe(true);
  });

  it('match a catastrophic pattern in linear time', () => {
    const started = performance.now();
    expect(compileNameRegex('(a+)+$', 'whole').test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(compileNameRegex('(a|a)*b', 'anywhere').test('a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['(a', /invalid regex/],
    ['(a)\\1', /linear time/],
    ['(?=a)a', /linear time/],
    ['(?<!a)b', /linear time/],
    ['a{1,1000}', /linear time/],
    ['x'.repeat(MAX_REGEX_LENGTH + 1), /at most 1000/],
  ])('refuses %j', (source, message) => expect(nameRegexProblem(source)).toMatch(message));

  it.each(['out_\\d+', '(train|eval)_.*', '[a-z]{3}_\\w+', '^a.*z$', '\\bx'])('accepts %j', (source) =>
    expect(nameRegexProblem(source)).toBeUndefined(),
  );

  it('tells literal names from patterns', () => {
    expect(isLiteralPattern('out_7')).toBe(true);
    expect(isLiteralPattern('out_.*')).toBe(false);
  });
});
