/**
 * Document shaping shared by the ArangoDB operations: what is stripped from stored
 * documents and what a patch may not touch. Job defaults live in src/graph/job-defaults.ts.
 */
import type { BaseDoc } from '../../core/model.js';

/** Drop `_rev`: it is ArangoDB bookkeeping, and documents must compare equal across adapters. */
export function stripRev<T extends BaseDoc>(doc: T): T {
  const { _rev: _ignored, ...rest } = doc as T & { _rev?: unknown };
  return rest as T;
}

/** A patch without the fields no update may change. */
export function cleanPatch(patch: Record<string, unknown>, locked: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (!locked.includes(field) && field !== '_rev' && value !== undefined) out[field] = value;
  }
  return out;
}
