/**
 * Token secrets: 32 random bytes, stored only as their sha256 and compared in constant time.
 * The `jg_` prefix lets secret scanners and people recognise one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'jg_';

/** A new secret and its id; the secret is shown once and never stored. */
export function generateToken(): { secret: string; key: string; hash: string } {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  return { secret, key: randomBytes(6).toString('hex'), hash: hashToken(secret) };
}

/** The stored form of a secret: sha256, hex. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether two hex hashes are equal, in time independent of where they differ. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
