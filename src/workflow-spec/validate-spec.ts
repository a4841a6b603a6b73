import { ValidationError, type FieldIssue } from '../core/errors.js';
import { jsonShapeIssue } from '../core/schemas/json-shape.js';
import { zodIssues } from '../core/zod-issues.js';
import { workflowSpecSchema, type WorkflowSpec } from './spec-schema.js';
import { splitUnknownFields } from './unknown-field-issues.js';

/** Longest issue message kept (zod lists every unknown key of an object in one message). */
const MAX_MESSAGE = 500;

/** User data values: free-form JSON stored as given; no process sees it. */
export const SPEC_USER_DATA_VALUE = /^user_data\[\d+\]\.data$/;

function shortened(issue: FieldIssue): FieldIssue {
  return issue.message.length > MAX_MESSAGE ? { ...issue, message: `${issue.message.slice(0, MAX_MESSAGE)}…` } : issue;
}

/**
 * Check the shape of a parsed spec and apply defaults. Name references, parameters and
 * cycles are checked later (buildWorkflowBundle), once parameters are expanded.
 * Before the schema: nesting depth and `__proto__` keys (json-shape.ts), and NUL characters
 * anywhere but in user data — job names, commands and paths become argv, environment and
 * file names, and parameter values are rendered into them.
 * @throws ValidationError listing every issue, each with its path (`jobs[3].memory`).
 */
export function validateSpec(raw: unknown): WorkflowSpec {
  if (raw === null || raw === undefined) throw new ValidationError([{ path: '(root)', message: 'the spec is empty' }]);
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ValidationError([{ path: '(root)', message: 'the spec must be a mapping with at least `name`' }]);
  const shape = jsonShapeIssue(raw, {
    noNul: true,
    nulAllowed: (key, path) => key === 'data' && SPEC_USER_DATA_VALUE.test(path()),
  });
  if (shape) throw new ValidationError([shape]);
  const result = workflowSpecSchema.safeParse(raw);
  if (!result.success)
    throw new ValidationError(
      zodIssues(result.error)
        .flatMap((i) => splitUnknownFields({ ...i, path: i.path || '(root)' }))
        .map(shortened),
    );
  return result.data;
}
