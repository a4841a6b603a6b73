import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ValidationError } from '../core/errors.js';
import { parseSpecText, type SpecFormat } from './parse-spec-text.js';

const FORMATS: Record<string, SpecFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.json5': 'json5',
  '.kdl': 'kdl',
};

/** The extensions that say a spec's format, for messages. */
const SUPPORTED = '.yaml or .yml (YAML), .json (JSON), .json5 (JSON5), .kdl (KDL)';

/** The format a spec file is parsed as, from its extension; undefined when the extension does not say. */
export function specFormatOf(path: string): SpecFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/**
 * Text of unknown format: YAML (a superset of JSON), else KDL; when neither parses, one issue
 * that names the supported formats and what each parser said.
 */
function parseUnknownFormat(path: string, text: string): unknown {
  const errors: string[] = [];
  for (const format of ['yaml', 'kdl'] as const) {
    try {
      const parsed = parseSpecText(text, format);
      // KDL text is often one valid YAML scalar: only a mapping counts as a YAML spec.
      if (format === 'kdl' || (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))) return parsed;
      errors.push('yaml: the text is not a mapping');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors.push(err.issues[0]!.message);
    }
  }
  throw new ValidationError([
    {
      path: '(file)',
      message:
        `${path}: cannot tell the spec format: the extension is not one of ${SUPPORTED}, and the text ` +
        `parses as neither YAML/JSON nor KDL (${errors.join('; ')}); rename the file with the extension of its format`,
    },
  ]);
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
    const format = specFormatOf(path);
    return format ? parseSpecText(text, format) : parseUnknownFormat(path, text);
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
