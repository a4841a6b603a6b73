/**
 * `${files.input.NAME}` / `${files.output.NAME}` (and torc's `${user_data.input.NAME}` /
 * `${user_data.output.NAME}`) in a job's command. Scanned by hand rather
 * than with `/\$\{files\.(input|output)\.([^}]+)\}/g`: on a command full of `${files.input.`
 * with no closing brace, that regex rescans to the end from every start (quadratic in the
 * command's length); here each character is looked at a bounded number of times.
 */

/** One reference: where it sits in the text, which way the file goes, and the file's name. */
export interface FileReference {
  start: number;
  end: number;
  direction: 'input' | 'output';
  name: string;
}

/** What a reference names: a file or a user-data item. */
export type ReferenceKind = 'files' | 'user_data';

/** Every reference of `kind` in `text`, in order, as the regex above would find them. */
export function* fileReferences(text: string, kind: ReferenceKind = 'files'): Generator<FileReference> {
  const OPEN = `\${${kind}.`;
  let from = 0;
  let close = -1;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return;
    const after = start + OPEN.length;
    if (close < after) close = text.indexOf('}', after);
    // No closing brace after this opening: none after a later one either.
    if (close < 0) return;
    const direction = text.startsWith('input.', after)
      ? 'input'
      : text.startsWith('output.', after)
        ? 'output'
        : undefined;
    const nameStart = after + (direction === 'input' ? 6 : 7);
    if (direction === undefined || nameStart >= close) {
      from = start + 1;
      continue;
    }
    yield { start, end: close + 1, direction, name: text.slice(nameStart, close) };
    from = close + 1;
  }
}

/** `text` with each reference replaced by `replace(reference)`. */
export function replaceFileReferences(
  text: string,
  replace: (ref: FileReference) => string,
  kind: ReferenceKind = 'files',
): string {
  let out = '';
  let last = 0;
  for (const ref of fileReferences(text, kind)) {
    out += text.slice(last, ref.start) + replace(ref);
    last = ref.end;
  }
  return last === 0 ? text : out + text.slice(last);
}
