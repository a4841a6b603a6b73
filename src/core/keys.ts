import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random lowercase base36 string; valid as an ArangoDB `_key` and a BullMQ id part. */
export function randomKey(length = 10): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 36];
  return out;
}

/** A key for a document of workflow `workflow`: unique across workflows because it embeds the workflow key. */
export function childKey(workflow: string, suffix: string = randomKey(8)): string {
  return `${workflow}-${suffix}`;
}

/** The key of the one result of (job, attempt); the primary key enforces one result per attempt. */
export function resultKey(job: string, attempt: number): string {
  return `${job}-a${attempt}`;
}
