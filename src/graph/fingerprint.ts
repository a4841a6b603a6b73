/**
 * Fingerprints of what an attempt ran with, recorded on its result so a restart can tell
 * what changed since (decision 0007). Shared by the store (at completion), the worker
 * (input files) and the CLI (current state): every side must hash the same way.
 */
import { createHash } from 'node:crypto';

/** What a missing input file hashes as. */
export const MISSING_FILE = 'missing';

/** Hex sha256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so equal data gives equal text whatever
 * the key order it was written in. `undefined` (absent data) becomes `null`.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fingerprint of what runs: the command and the invocation script that prefixes it. */
export function commandHash(job: { command: string; invocation_script?: string }): string {
  // A NUL separator: "a b" + "" and "a" + " b" must not collide.
  return sha256Hex(`${job.invocation_script ?? ''}\u0000${job.command}`);
}

/** The fingerprint of one user_data document's `data`. */
export function userDataHash(data: unknown): string {
  return sha256Hex(canonicalJson(data));
}

/** The fingerprints a result document carries (all optional: older results have none). */
export interface ResultFingerprint {
  /** Input file key → sha256 of its content or `missing`, as the worker saw them at start. */
  input_hashes?: Record<string, string>;
  command_hash?: string;
  /** Consumed user_data key → {@link userDataHash} at completion. */
  user_data_hashes?: Record<string, string>;
}
