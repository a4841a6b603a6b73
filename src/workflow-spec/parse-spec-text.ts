import JSON5 from 'json5';
import YAML from 'yaml';
import { ValidationError } from '../core/errors.js';
import { parseKdl } from './parse-kdl.js';

/** The text formats a workflow spec can be written in (torc's four). */
export type SpecFormat = 'yaml' | 'json' | 'json5' | 'kdl';

/**
 * Parse spec text into plain data (not yet validated).
 * @throws ValidationError at path `(file)`, with the line and column when the parser gives them.
 */
export function parseSpecText(text: string, format: SpecFormat): unknown {
  try {
    switch (format) {
      case 'yaml':
        return parseYaml(text);
      case 'json':
        return JSON.parse(text) as unknown;
      case 'json5':
        return JSON5.parse(text) as unknown;
      case 'kdl':
        return parseKdl(text);
    }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw syntaxError(format, err, text);
  }
}

function parseYaml(text: string): unknown {
  // parseAllDocuments so that a stray `---` (two documents) is an error, not a silently dropped half.
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(docs)) return null; // empty text
  if (docs.length > 1) throw issue('yaml: the file holds more than one YAML document (`---`); a spec is one document');
  const doc = docs[0];
  if (!doc) return null;
  const first = doc.errors[0];
  if (first) throw first;
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

function syntaxError(format: SpecFormat, err: unknown, text: string): ValidationError {
  const message = err instanceof Error ? err.message : String(err);
  const where = location(err, text);
  // YAML's pretty messages already carry "at line L, column C" and a code excerpt; keep the first line.
  const head = message.split('\n')[0]!.replace(/:$/, '');
  const suffix = where && !/line \d+/.test(head) ? ` (line ${where.line}, column ${where.column})` : '';
  return issue(`${format}: ${head}${suffix}`, where);
}

function location(err: unknown, text: string): { line: number; column: number } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as {
    start?: { line: number; column: number };
    errors?: Array<{ start?: { line: number; column: number } }>;
    linePos?: Array<{ line: number; col: number }>;
    lineNumber?: number;
    columnNumber?: number;
    message?: string;
  };
  // KDL: the first detailed error that has a place.
  const kdl = e.start ?? e.errors?.find((x) => x.start)?.start;
  if (kdl) return { line: kdl.line, column: kdl.column };
  if (e.linePos?.[0]) return { line: e.linePos[0].line, column: e.linePos[0].col };
  if (typeof e.lineNumber === 'number') return { line: e.lineNumber, column: e.columnNumber ?? 0 };
  const pos = /position (\d+)/.exec(e.message ?? '');
  if (pos) {
    const before = text.slice(0, Number(pos[1]));
    const lines = before.split('\n');
    return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
  }
  return undefined;
}

function issue(message: string, where?: { line: number; column: number }): ValidationError {
  const err = new ValidationError([{ path: '(file)', message }]);
  if (where) Object.assign(err.details, where);
  return err;
}
