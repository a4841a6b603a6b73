/**
 * Making a token: a fresh secret, its record (hash only) in the store, the secret handed
 * back once. Shared by `POST /api/v1/tokens`, `jobgraph token create --db` and the
 * provisioner's per-allocation worker tokens.
 */
import type { Role, TokenRecord } from '../core/access.js';
import { generateToken } from '../core/tokens.js';
import type { GraphStore } from './graph-store.js';

/** What the new token is for. */
export interface TokenRequest {
  user: string;
  role: Role;
  /** Lifetime in seconds; absent: no expiry. */
  expiresInS?: number;
  workflows?: string[];
  allocation?: string;
  label?: string;
  createdBy?: string;
}

/** The secret (shown once, never stored) and the stored record. */
export interface IssuedToken {
  token: string;
  record: TokenRecord;
}

export async function issueToken(
  store: Pick<GraphStore, 'createToken'>,
  request: TokenRequest,
  now = new Date(),
): Promise<IssuedToken> {
  const { secret, key, hash } = generateToken();
  const record: TokenRecord = {
    _key: key,
    hash,
    user: request.user,
    role: request.role,
    created_at: now.toISOString(),
    ...(request.expiresInS !== undefined && {
      expires_at: new Date(now.getTime() + request.expiresInS * 1000).toISOString(),
    }),
    ...(request.workflows !== undefined && { workflows: request.workflows }),
    ...(request.allocation !== undefined && { allocation: request.allocation }),
    ...(request.label !== undefined && { label: request.label }),
    ...(request.createdBy !== undefined && { created_by: request.createdBy }),
  };
  await store.createToken(record);
  return { token: secret, record };
}

/** A record as shown to people and clients: everything but the hash. */
export function publicTokenRecord(record: TokenRecord): Omit<TokenRecord, 'hash'> {
  const { hash: _hash, ...rest } = record;
  return rest;
}
