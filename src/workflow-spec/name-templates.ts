/**
 * The names the jobs (or files) of a spec can take, known before parameters are expanded:
 * a definition without parameters has its name as written; a parameterized one has a
 * template whose placeholders can become any text (`job_{i:03d}` → `job_` then anything).
 * Lets a reference be checked before a 1,000,000-job sweep is expanded: a name no template
 * can produce is undefined whatever the parameters are.
 */
import { literalParts } from './substitute.js';

/** A name as the unexpanded spec writes it: literal parts with anything in between. */
export type NameTemplate = readonly string[];

/** The template of a definition's name (`parameterized`: it has parameters, so placeholders get replaced). */
export function nameTemplate(name: string, parameterized: boolean): NameTemplate {
  return parameterized ? literalParts(name) : [name];
}

/** Whether `name` can be a rendering of `template` (a glob match; linear in the name). */
export function templateMatches(template: NameTemplate, name: string): boolean {
  if (template.length === 1) return template[0] === name;
  const first = template[0]!;
  const last = template[template.length - 1]!;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  // Leftmost placement of each middle part is optimal for `*` globs.
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < template.length - 1; i++) {
    const found = name.indexOf(template[i]!, at);
    if (found < 0 || found + template[i]!.length > end) return false;
    at = found + template[i]!.length;
  }
  return true;
}

/** Every name template of one kind, indexed so a literal reference is checked in O(1) plus the parameterized ones. */
export class NameTemplates {
  private readonly literal = new Set<string>();
  private readonly patterns: NameTemplate[] = [];

  constructor(templates: Iterable<NameTemplate>) {
    for (const t of templates) {
      if (t.length === 1) this.literal.add(t[0]!);
      else this.patterns.push(t);
    }
  }

  /** Whether some definition can be named `name`. */
  canName(name: string): boolean {
    return this.literal.has(name) || this.patterns.some((t) => templateMatches(t, name));
  }
}
