/**
 * The fingerprint of a generated client: a hash of the OpenAPI document it was made from and
 * one of every file the generator wrote (its own list, `.openapi-generator/FILES`). Written by
 * `npm run clients` into `<client>/.openapi-fingerprint.json`; test/clients/clients-fresh.test.ts
 * recomputes it, so a client left stale after an API change, or edited by hand, fails fast
 * without running Java.
 *
 * Usage: `tsx scripts/client-fingerprint.ts write DIR...`
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

/** What `.openapi-fingerprint.json` holds. */
export interface ClientFingerprint {
  /** sha256 of openapi/openapi.json the client was generated from. */
  openapi: string;
  /** sha256 over the generated files, each as `path\0sha256\n`, in the generator's order. */
  files: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The fingerprint `dir` (relative to the repository root) has now. */
export function fingerprintOf(dir: string): ClientFingerprint {
  const listed = readFileSync(join(ROOT, dir, '.openapi-generator', 'FILES'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const files = sha256(listed.map((f) => `${f}\0${sha256(readFileSync(join(ROOT, dir, f)))}\n`).join(''));
  return { openapi: sha256(readFileSync(join(ROOT, 'openapi', 'openapi.json'))), files };
}

/** The fingerprint recorded when `dir` was last generated. */
export function recordedFingerprint(dir: string): ClientFingerprint {
  return JSON.parse(readFileSync(join(ROOT, dir, '.openapi-fingerprint.json'), 'utf8')) as ClientFingerprint;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...dirs] = process.argv.slice(2);
  if (command !== 'write' || dirs.length === 0) {
    process.stderr.write('usage: client-fingerprint.ts write DIR...\n');
    process.exit(2);
  }
  for (const dir of dirs) {
    writeFileSync(join(ROOT, dir, '.openapi-fingerprint.json'), JSON.stringify(fingerprintOf(dir), null, 2) + '\n');
  }
}
