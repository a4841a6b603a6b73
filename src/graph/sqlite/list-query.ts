/**
 * Paging and equality filters for the list methods. Filters on hot columns use the
 * column (and its index); any other top-level field is read with `json_extract`.
 */
import { ValidationError } from '../../core/errors.js';
import type { ListOptions } from '../graph-store.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

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

export interface WhereClause {
  /** ` AND …` conditions, empty when there is no filter. */
  sql: string;
  params: Array<string | number>;
}

/**
 * SQL conditions for an equality filter.
 * @param columns filter fields stored as columns (field → column name)
 * @throws ValidationError naming `filter.<field>` for a field name that cannot be a JSON path
 */
export function filterWhere(filter: ListOptions['filter'], columns: Readonly<Record<string, string>>): WhereClause {
  let sql = '';
  const params: Array<string | number> = [];
  for (const [field, value] of Object.entries(filter ?? {})) {
    const column = columns[field];
    if (column) {
      sql += ` AND ${column} = ?`;
      params.push(typeof value === 'boolean' ? Number(value) : value);
      continue;
    }
    if (!FIELD_NAME.test(field)) {
      throw new ValidationError([{ path: `filter.${field}`, message: 'not a filterable field name' }]);
    }
    const path = `'$."${field}"'`;
    if (typeof value === 'boolean') {
      // json_extract turns true into 1; json_type keeps `true` and `1` apart.
      sql += ` AND json_type(doc, ${path}) = ?`;
      params.push(value ? 'true' : 'false');
    } else {
      sql += ` AND json_extract(doc, ${path}) = ?`;
      params.push(value);
    }
  }
  return { sql, params };
}
