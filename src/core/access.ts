/**
 * Who may do what (decision 0013): bearer tokens with a role, held by a user, and access
 * groups through which a workflow is shared. Token secrets are never stored; a token record
 * carries the sha256 of its secret only.
 */

/**
 * - `admin`: everything, including tokens, access groups and `/queues`.
 * - `user`: creates workflows and reads and changes the workflows it owns or that are shared with it.
 * - `reader`: reads every workflow, changes nothing.
 * - `worker`: only the worker protocol, and only for the workflows its token names.
 */
export const ROLES = ['admin', 'user', 'reader', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** What a share through an access group allows. */
export const ACCESS_LEVELS = ['read', 'write'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** What a user or access group name may be: it appears in workflow documents, events and ArangoDB keys. */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** Longest user or group name (PRINCIPAL_NAME's), declared so the OpenAPI document shows it. */
export const MAX_PRINCIPAL_NAME = 64;
export const PRINCIPAL_NAME_RULE = 'letters, digits, . _ @ - (at most 64, starting with a letter or digit)';

/** One token as stored: the secret's hash, never the secret. */
export interface TokenRecord {
  /** The token's id (not secret): what `token list` shows and `token revoke` takes. */
  _key: string;
  /** sha256 of the secret, hex. */
  hash: string;
  user: string;
  role: Role;
  /** Worker tokens: the workflows they may work for. Absent: every workflow (a shared worker pool). */
  workflows?: string[];
  /** Worker tokens minted for an allocation: its `allocations` key. */
  allocation?: string;
  created_at: string;
  /** The user whose request made it (absent: made with direct store access). */
  created_by?: string;
  /** ISO time after which the token is refused. Absent: it does not expire. */
  expires_at?: string;
  /** Set once by a revocation; a revoked token is refused. */
  revoked_at?: string;
  /** A free label (`laptop`, `slurm nodes`). */
  label?: string;
}

/** An access group: a named set of users a workflow can be shared with. */
export interface AccessGroup {
  _key: string;
  members: string[];
  created_at: string;
  created_by?: string;
}

/**
 * The shares of a workflow, kept on its document as `access_groups: {group: level}`: its
 * members read (or read and change) it as its owner does.
 */
export type WorkflowShares = Record<string, AccessLevel>;
