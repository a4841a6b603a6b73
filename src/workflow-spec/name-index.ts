import type { FieldIssue } from '../core/errors.js';

/** The names of one kind of thing that can be referenced (jobs, files, schedulers, …), indexed. */
export interface Namespace {
  /** What the names are, for messages: `job`, `scheduler`. */
  kind: string;
  /** By position; `''` for an unnamed item (torc's user data may have no name), which nothing can reference. */
  names: string[];
  index: Map<string, number>;
}

/**
 * Index `items` by name; a repeated name is an issue at the second one's `name`, naming the
 * first one's place (`slurm_schedulers[1].name: duplicate scheduler name "s" (also at
 * local_schedulers[0])`).
 */
export function namespace(
  kind: string,
  items: Array<{ name: string | undefined; path: string }>,
  issues: FieldIssue[],
): Namespace {
  const index = new Map<string, number>();
  items.forEach(({ name, path }, i) => {
    if (name === undefined) return;
    const first = index.get(name);
    if (first === undefined) index.set(name, i);
    else
      issues.push({
        path: `${path}.name`,
        message: `duplicate ${kind} name "${name}" (also at ${items[first]!.path})`,
      });
  });
  return { kind, names: items.map((i) => i.name ?? ''), index };
}
