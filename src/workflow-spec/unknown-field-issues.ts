/**
 * Unknown fields of a spec, one issue each on the field's own path with the closest known field
 * suggested (`jobs[1].comand: unknown field (did you mean "command"?)`), as the scheduler
 * sections already report them (strictObjectWithSuggestions). zod's strict objects name the
 * object and list every unknown key in one message; this rewrites those issues after the fact,
 * so the schemas themselves stay as they are.
 */
import type { FieldIssue } from '../core/errors.js';
import { moreUnknownFields, unknownFields } from './closest-name.js';
import {
  fileSpecSchema,
  jobSpecSchema,
  resourceRequirementsSpecSchema,
  userDataSpecSchema,
  workflowSpecSchema,
} from './spec-schema.js';

/** zod's message for unknown keys: `Unrecognized key: "a"` / `Unrecognized keys: "a", "b"`. */
const UNRECOGNIZED = /^Unrecognized keys?: (.*)$/;

/** The fields of the object a schema parses (looking through transforms); empty when it is not one. */
function objectFields(schema: unknown): string[] {
  let node = schema as { _zod?: { def: { type: string; shape?: object; in?: unknown } } } | undefined;
  for (let depth = 0; node?._zod && depth < 10; depth++) {
    const def = node._zod.def;
    if (def.type === 'object' && def.shape) return Object.keys(def.shape);
    node = def.in as typeof node;
  }
  return [];
}

/** Known fields by where the object sits: the top level, or an item of one of these lists. */
const KNOWN: Record<string, string[]> = {
  '': objectFields(workflowSpecSchema),
  jobs: objectFields(jobSpecSchema),
  files: objectFields(fileSpecSchema),
  user_data: objectFields(userDataSpecSchema),
  resource_requirements: objectFields(resourceRequirementsSpecSchema),
};

/** `issue` as one issue per unknown field, with a suggestion where a known field is close; others unchanged. */
export function splitUnknownFields(issue: FieldIssue): FieldIssue[] {
  const match = UNRECOGNIZED.exec(issue.message);
  if (!match) return [issue];
  const at = issue.path === '(root)' ? '' : issue.path;
  const known = KNOWN[/^([a-z_]+)\[\d+\]$/.exec(at)?.[1] ?? at] ?? [];
  const keys = [...match[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  if (keys.length === 0) return [issue];
  const { fields, more } = unknownFields(keys, known);
  const issues = fields.map(({ key, message }) => ({ path: at ? `${at}.${key}` : key, message }));
  if (more > 0) issues.push({ path: issue.path, message: moreUnknownFields(more) });
  return issues;
}
