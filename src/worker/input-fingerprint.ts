/**
 * The input fingerprint of an attempt (decision 0007): sha256 of each file the job needs,
 * taken just before it runs, so a later restart can tell which inputs changed since.
 * Relative paths resolve against the worker's cwd (where the job runs); a file that does
 * not exist (or cannot be read) hashes as `missing`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { MISSING_FILE } from '../graph/fingerprint.js';

/** Hex sha256 of a file's content, streamed; `missing` when it cannot be read. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return MISSING_FILE;
  }
  return hash.digest('hex');
}

/** File key → hash for `files`, paths resolved against `cwd`. */
export async function hashInputFiles(
  files: ReadonlyArray<{ _key: string; path: string }>,
  cwd: string,
): Promise<Record<string, string>> {
  const hashes = await Promise.all(files.map((f) => hashFile(resolve(cwd, f.path))));
  return Object.fromEntries(files.map((f, i) => [f._key, hashes[i]!]));
}
