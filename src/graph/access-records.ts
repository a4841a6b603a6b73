/** Rules both adapters share for token and access-group records. */
import type { TokenRecord } from '../core/access.js';

/** `members` then the new `users`, each once, in order. */
export function mergeMembers(members: readonly string[], users: readonly string[]): string[] {
  return [...new Set([...members, ...users])];
}

/** Oldest first; the key breaks ties so the order is stable. */
export function byCreation(a: TokenRecord, b: TokenRecord): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a._key < b._key ? -1 : a._key > b._key ? 1 : 0;
}
