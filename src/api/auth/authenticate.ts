/**
 * From a request's credentials to its Principal: `Authorization: Bearer <token>` (clients,
 * workers, the docs' "Try it out") or the `jobgraph_token` cookie the login page sets (the
 * browser pages). The token is hashed at once and only the hash is looked up; no message
 * here ever contains the token.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { TokenRecord } from '../../core/access.js';
import { UnauthenticatedError } from '../../core/errors.js';
import { hashesEqual, hashToken } from '../../core/tokens.js';
import type { GraphStore } from '../../graph/graph-store.js';
import type { Principal } from './workflow-access.js';

/** The cookie the login page sets. */
export const TOKEN_COOKIE = 'jobgraph_token';

/** Longest token accepted: ours are 46 characters; anything far longer is not one. */
const MAX_TOKEN_LENGTH = 512;

/** The presented token, or undefined when the request carries none. */
export function presentedToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!m) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
    return m[1];
  }
  return getCookie(c, TOKEN_COOKIE) || undefined;
}

/** Why a stored token is refused, or undefined when it is good `now`. */
export function tokenRefusal(token: TokenRecord, now: Date): string | undefined {
  if (token.revoked_at !== undefined) return 'the token was revoked';
  if (token.expires_at !== undefined && Date.parse(token.expires_at) <= now.getTime()) return 'the token expired';
  return undefined;
}

/** The caller a token stands for. */
export function principalOfToken(token: TokenRecord): Principal {
  return {
    user: token.user,
    role: token.role,
    tokenKey: token._key,
    ...(token.workflows !== undefined && { workflows: token.workflows }),
    ...(token.allocation !== undefined && { allocation: token.allocation }),
  };
}

/** What authentication needs. */
export interface Authenticator {
  store: GraphStore;
  /** sha256 of `JOBGRAPH_ADMIN_TOKEN`, when set: it authenticates as user `admin`, role admin. */
  adminTokenHash?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * The principal of `secret`.
 * @throws UnauthenticatedError when the token is unknown, expired or revoked
 */
export async function authenticateToken(auth: Authenticator, secret: string): Promise<Principal> {
  if (secret.length > MAX_TOKEN_LENGTH) throw new UnauthenticatedError('the token is not valid');
  const hash = hashToken(secret);
  if (auth.adminTokenHash !== undefined && hashesEqual(hash, auth.adminTokenHash)) {
    return { user: 'admin', role: 'admin' };
  }
  const token = await auth.store.findTokenByHash(hash);
  // The lookup found it by the hash; comparing again in constant time costs nothing and
  // keeps an adapter's loose match (collation, prefix) from ever admitting a wrong token.
  if (!token || !hashesEqual(token.hash, hash)) throw new UnauthenticatedError('the token is not valid');
  const refusal = tokenRefusal(token, (auth.now ?? (() => new Date()))());
  if (refusal) throw new UnauthenticatedError(refusal);
  return principalOfToken(token);
}
