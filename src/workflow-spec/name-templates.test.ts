import { describe, expect, it } from 'vitest';
import { NameTemplates, nameTemplate, templateMatches } from './name-templates.js';

describe('name templates', () => {
  it('keeps the name of a definition without parameters as written, braces and all', () => {
    expect(nameTemplate('a_{i}', false)).toEqual(['a_{i}']);
    expect(nameTemplate('job_{i:03d}_{lr:.2f}', true)).toEqual(['job_', '_', '']);
    expect(nameTemplate('${HOME}_{i}', true)).toEqual(['${HOME}_', '']);
  });

  it.each([
    [['job_', ''], 'job_007', true],
    [['job_', ''], 'job_', true],
    [['job_', ''], 'jo', false],
    [['', '_', '_x'], 'a_b_x', true],
    [['', '_', '_x'], 'a__x', true],
    [['', '_', '_x'], 'a_x', false],
    [['', '_', '_x'], 'a_b_y', false],
    [['ab', 'ab'], 'ab', false],
    [['ab', 'ab'], 'abab', true],
    [['exact'], 'exact', true],
    [['exact'], 'exactly', false],
  ] as const)('%j matches %j: %s', (template, name, expected) =>
    expect(templateMatches(template, name)).toBe(expected),
  );

  it('answers for a set of templates', () => {
    const t = new NameTemplates([nameTemplate('prep', false), nameTemplate('work_{i}', true)]);
    expect(t.canName('prep')).toBe(true);
    expect(t.canName('work_12')).toBe(true);
    expect(t.canName('nope')).toBe(false);
  });
});
