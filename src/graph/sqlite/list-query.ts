/**
 * Equality filters for the list methods (paging: ../list-paging.ts). Filters on hot columns
 * use the column (and its index); any other top-level field is read with `json_extract`.
 */
import type { ListOptions } from '../graph-store.js';
import { checkFilterField } from '../list-paging.js';

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
    checkFilterField(field);
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
