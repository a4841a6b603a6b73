/**
 * Regexes from specs (`depends_on_regexes`, `input_files_regexes`, …, actions'
 * `job_name_regexes`) run on V8's linear-time engine (the `l` flag), never on the
 * backtracking one: `(a+)+$` against a 31-character name took the API minutes, and any
 * pattern a user writes is matched against every name of a workflow.
 *
 * The linear engine sits behind a V8 flag, switched on here for this process; it changes
 * nothing for regexes without the `l` flag. It refuses what it cannot match in linear time —
 * backreferences, lookaround, counted repetition above ~16 — which torc's Rust regex crate
 * does not support either. Patterns are also capped in length.
 */
import { setFlagsFromString } from 'node:v8';

/** Longest regex source accepted. */
export const MAX_REGEX_LENGTH = 1000;

setFlagsFromString('--enable-experimental-regexp-engine');

/** The flag that selects V8's linear-time engine (unknown to linters, hence a name). */
const LINEAR = 'l';

const REGEX_META = /[\\^$.|?*+()[\]{}]/;

/** Whether `source` has no regex metacharacter: it then names one thing and is looked up, not matched. */
export function isLiteralPattern(source: string): boolean {
  return !REGEX_META.test(source);
}

/** How a regex is applied to a name: to all of it (references) or anywhere in it (action selectors, as torc). */
export type NameMatch = 'whole' | 'anywhere';

/**
 * Why `source` cannot be used as a name regex, fit to follow its field path; undefined when it can.
 */
export function nameRegexProblem(source: string): string | undefined {
  if (source.length > MAX_REGEX_LENGTH)
    return `regex is ${source.length} characters long; at most ${MAX_REGEX_LENGTH} are accepted`;
  try {
    new RegExp(source);
  } catch (err) {
    return `invalid regex: ${(err as Error).message}`;
  }
  try {
    new RegExp(source, LINEAR);
  } catch {
    return (
      'regex cannot be matched in linear time: backreferences (\\1), lookaround ((?=…), (?<=…)) and ' +
      'repetition counts above 16 ({n,m}) are not supported'
    );
  }
  return undefined;
}

/**
 * Compile a name regex checked by nameRegexProblem on the linear-time engine.
 * @throws SyntaxError for a source nameRegexProblem refuses
 */
export function compileNameRegex(source: string, match: NameMatch): RegExp {
  return new RegExp(match === 'whole' ? `^(?:${source})$` : source, LINEAR);
}
