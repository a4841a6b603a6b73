/**
 * Document shaping shared by the ArangoDB operations: what is stripped from stored
 * documents and what a patch may not touch. Job defaults live in src/graph/job-defaults.ts.
 */
import { ConflictError } from '../../core/errors.js';
import type { BaseDoc } from '../../core/model.js';
import { ARANGO_ERRORS, hasErrorNum } from './arango-errors.js';

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

/** Run `work`, turning a unique-constraint violation into a ConflictError naming the key. */
export async function conflictNamed<T>(
  collection: string,
  key: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Review fix: `ctx.run` already maps errors (withRetry → mapArangoError), so outside a
    // transaction the raw errorNum never reaches here; a mapped ConflictError is renamed too.
    if (hasErrorNum(err, ARANGO_ERRORS.UNIQUE_CONSTRAINT) || err instanceof ConflictError) {
      throw new ConflictError(`${collection}/${key ?? '?'} already exists`, { collection, key });
    }
    throw err;
  }
}
