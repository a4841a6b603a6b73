/**
 * Caps on string lengths at the edge (issue 15, item 4). Named fields declare them in their
 * zod schemas (so the OpenAPI document shows `maxLength`); every other string of a request
 * body or query is held to `JOBGRAPH_MAX_STRING_BYTES` by one walk (json-shape.ts).
 *
 * Why these sizes:
 * - names (workflows, jobs, files, user data, resource requirements, schedulers, handlers)
 *   are keys of lookups, log fields and file-name parts: 256 characters is beyond any
 *   generated sweep name, and keeps a million-job index small.
 * - commands, scripts, descriptions and paths: 64 KiB is half of what Linux passes as one
 *   argument (MAX_ARG_STRLEN, 128 KiB; a command runs as `sh -c <command>`) and 16 times
 *   PATH_MAX (4 KiB); a longer script belongs in a file.
 */

/** Longest name, in characters. */
export const MAX_NAME_LENGTH = 256;

/** Longest command, script, description or path, in characters (64 KiB). */
export const MAX_TEXT_LENGTH = 64 * 1024;

/** The issue message for a string over `max` characters: `longer than 256 characters`. */
export function longerThan(max: number): string {
  return `longer than ${max} characters`;
}

/**
 * Whether `text` takes more than `maxBytes` bytes as UTF-8, without encoding it when its
 * length alone decides (a UTF-16 unit is 1 to 3 UTF-8 bytes; a surrogate pair is 4).
 */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}

/** The message of a name over MAX_NAME_LENGTH: `z.string().max(MAX_NAME_LENGTH, NAME_TOO_LONG)`. */
export const NAME_TOO_LONG = longerThan(MAX_NAME_LENGTH);

/** The message of a command, script, description or path over MAX_TEXT_LENGTH. */
export const TEXT_TOO_LONG = longerThan(MAX_TEXT_LENGTH);
