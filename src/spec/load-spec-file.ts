import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { parseSpecText, type SpecFormat } from './parse-spec-text.js';

const FORMATS: Record<string, SpecFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.json5': 'json5',
};

/** The format a spec file is parsed as, from its extension; anything unknown is tried as YAML (a JSON superset). */
export function specFormatOf(path: string): SpecFormat {
  return FORMATS[extname(path).toLowerCase()] ?? 'yaml';
}

/**
 * Read and parse a spec file (not yet validated).
 * @throws ValidationError naming the path when it cannot be read, or at `(file)` on a syntax error.
 */
export async function loadSpecFile(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ValidationError([{ path: '(file)', message: `cannot read spec file ${path}: ${why}` }]);
  }
  let text: string;
  try {
    // Strict: a lenient decode turns each bad byte into U+FFFD, silently changing names and commands.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError([{ path: '(file)', message: `${path}: not valid UTF-8 text; save the spec as UTF-8` }]);
  }
  try {
    return parseSpecText(text, specFormatOf(path));
  } catch (err) {
    if (err instanceof ValidationError) {
      // Name the file too: the CLI prints only the message.
      const issues = err.issues.map((i) => ({ ...i, message: `${path}: ${i.message}` }));
      const wrapped = new ValidationError(issues);
      Object.assign(wrapped.details, err.details, { issues });
      throw wrapped;
    }
    throw err;
  }
}
