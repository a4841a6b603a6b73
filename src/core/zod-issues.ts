import type { z } from 'zod';
import { ValidationError, formatPath, type FieldIssue } from './errors.js';

/** zod's message for an absent field (`Invalid input: expected string, received undefined`). */
const ABSENT = /^Invalid input: expected [^,]+, received undefined$/;

/**
 * Turn a zod error into field issues whose paths read like `jobs[3].memory`, prefixed by `prefix`.
 * An absent field reads `required` (`jobs[1].command: required`).
 */
export function zodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return {
      path: prefix && path ? (path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`) : prefix || path,
      message: ABSENT.test(issue.message) ? 'required' : issue.message,
    };
  });
}

/** Parse `value` with `schema` or throw a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodIssues(result.error, prefix));
  return result.data;
}
