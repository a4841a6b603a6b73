/**
 * torc's fan-in pattern: an aggregate job lists the sweep's parameters so that its
 * `depends_on` / `input_files` expand over every combination, but its name uses none (or
 * not all) of them — "one job that waits for all". torc itself creates one copy per
 * combination under the same name; jobgraph makes it what the pattern means: one job whose
 * list fields are the union, in first-mention order, of every combination's.
 *
 * Copies may differ only in their list fields. When a scalar field (the command, a
 * resource-requirements name) differs too, the name really is missing a parameter: that is
 * one issue for the definition, naming the parameters the name does not use.
 */
import type { FieldIssue } from '../core/errors.js';
import type { Expanded } from './expand-parameters.js';
import type { JobSpec } from './spec-schema.js';
import { placeholderNames } from './substitute.js';

/**
 * Merge the expanded copies of one job definition (`path`) that share a name.
 * @param definition the job as written, before expansion (its name template is read)
 * @param parameters every parameter the definition expands over
 */
export function mergeFanIn(
  expanded: Array<Expanded<JobSpec>>,
  definition: JobSpec,
  parameters: readonly string[],
  path: string,
  issues: FieldIssue[],
): Array<Expanded<JobSpec>> {
  const byName = new Map<string, Expanded<JobSpec>[]>();
  for (const e of expanded) {
    const group = byName.get(e.item.name);
    if (group) group.push(e);
    else byName.set(e.item.name, [e]);
  }
  if (byName.size === expanded.length) return expanded;
  const used = new Set(placeholderNames(definition.name));
  const missing = parameters.filter((p) => !used.has(p));
  const out: Array<Expanded<JobSpec>> = [];
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const merged = mergeCopies(group.map((g) => g.item));
    if (typeof merged === 'string') {
      issues.push({
        path: `${path}.name`,
        message:
          `"${definition.name}" does not use parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, so ` +
          `${group.length} expanded jobs are named "${name}" but their ${merged} differs; put ` +
          `${missing.map((p) => `{${p}}`).join(' and ')} in the name, or — for one job that waits for all ` +
          `(fan-in) — use those parameters only in depends_on and the input/output lists`,
      });
      return out;
    }
    out.push({ item: merged, path });
  }
  return out;
}

/** The union of the copies' list fields; the name of a scalar field that differs between copies. */
function mergeCopies(copies: JobSpec[]): JobSpec | string {
  const first = copies[0]!;
  const merged: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(first)) {
    if (Array.isArray(value)) {
      const seen = new Set<unknown>();
      merged[key] = copies
        .flatMap((c) => (c[key as keyof JobSpec] as unknown[] | undefined) ?? [])
        .filter((v) => {
          if (seen.has(v)) return false;
          seen.add(v);
          return true;
        });
    } else if (copies.some((c) => c[key as keyof JobSpec] !== value)) return key;
  }
  return merged as JobSpec;
}
