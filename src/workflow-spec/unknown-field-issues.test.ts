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
});
