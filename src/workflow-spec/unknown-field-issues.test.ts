import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { validateSpec } from './validate-spec.js';

function issuesOf(spec: unknown): string[] {
  try {
    validateSpec(spec);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('spec errors name the field', () => {
  it('a missing required field is `required`; each unknown field on its own line, with a guess when close', () => {
    expect(
      issuesOf({
        name: 'w',
        filez: [],
        jobs: [
          { name: 'a', command: 'true' },
          { name: 'b', comand: 'true', resource_requirement: 'small', xyzzy: 1 },
        ],
      }),
    ).toEqual([
      'jobs[1].command: required',
      'jobs[1].comand: unknown field (did you mean "command"?)',
      'jobs[1].resource_requirement: unknown field (did you mean "resource_requirements"?)',
      'jobs[1].xyzzy: unknown field',
      'filez: unknown field (did you mean "files"?)',
    ]);
  });

  it('reports the first 100 unknown fields of an object, then counts the rest', () => {
    const keys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1]));
    const issues = issuesOf({ name: 'h', ...keys, jobs: [{ name: 'a', command: 'true', comand: 'x' }] });
    expect(issues).toHaveLength(102);
    expect(issues).toContain('k0: unknown field');
    expect(issues).toContain('k99: unknown field');
    expect(issues).not.toContain('k100: unknown field');
    expect(issues).toContain('(root): … and 99900 more unknown fields');
    expect(issues).toContain('jobs[0].comand: unknown field (did you mean "command"?)');
  });

  it('caps the unknown fields of a scheduler section the same way', () => {
    const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x${i}`, 1]));
    const issues = issuesOf({
      name: 'h',
      jobs: [{ name: 'a', command: 'true' }],
      local_schedulers: [{ name: 'l', ...keys }],
    });
    expect(issues.filter((i) => i.startsWith('local_schedulers[0].x'))).toHaveLength(100);
    // The list's own cap (schema-helpers.ts) ends it.
    expect(issues).toContain('local_schedulers[0]: … validation stopped after 100 issues');
  });
});
