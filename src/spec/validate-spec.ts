import { ValidationError } from '../core/errors.js';
import { zodIssues } from '../core/zod-issues.js';
import { workflowSpecSchema, type WorkflowSpec } from './spec-schema.js';

/**
 * Check the shape of a parsed spec and apply defaults. Name references, parameters and
 * cycles are checked later (buildWorkflowBundle), once parameters are expanded.
 * @throws ValidationError listing every issue, each with its path (`jobs[3].memory`).
 */
export function validateSpec(raw: unknown): WorkflowSpec {
  if (raw === null || raw === undefined) throw new ValidationError([{ path: '(root)', message: 'the spec is empty' }]);
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ValidationError([{ path: '(root)', message: 'the spec must be a mapping with at least `name`' }]);
  const result = workflowSpecSchema.safeParse(raw);
  if (!result.success)
    throw new ValidationError(zodIssues(result.error).map((i) => ({ ...i, path: i.path || '(root)' })));
  return result.data;
}
