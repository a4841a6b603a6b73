/**
 * Paging and filter-field rules of every list method, shared by the adapters and the API so
 * that a page size or a filter valid on one store is valid on every other and at the edge.
 */
import { ValidationError } from '../core/errors.js';
import type { ListOptions } from './graph-store.js';

/** Page size when `limit` is not given. */
export const DEFAULT_LIMIT = 100;
/** Largest page a list returns. */
export const MAX_LIMIT = 10_000;

/** Filter fields are top-level names only: they become JSON paths (SQLite) and bind parameters (AQL). */
const FIELD_NAME = /^[A-Za-z0-9_$-]+$/;

export interface Paging {
  offset: number;
  limit: number;
}

/** Offset and limit with defaults applied; limit clamped to MAX_LIMIT. */
export function paging(options: ListOptions = {}): Paging {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT)));
  return { offset, limit };
}

/** @throws ValidationError naming `filter.<field>` for a field name that cannot be filtered on */
export function checkFilterField(field: string): void {
  if (!FIELD_NAME.test(field))
    throw new ValidationError([{ path: `filter.${field}`, message: 'not a filterable field name' }]);
}
