/**
 * One page of a collection for one workflow (or of `workflows`), equality filters on
 * top-level fields, ordered by `_key`, with the total before paging.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { BaseDoc } from '../../../core/model.js';
import type { ListOptions } from '../../graph-store.js';
import { checkFilterField, paging } from '../../list-paging.js';

export interface PageRow<T> {
  total: number;
  items: T[];
}

/**
 * @param workflow restrict to documents carrying this workflow key; undefined for `workflows`
 * @throws ValidationError naming `filter.<field>` for a field name that is not allowed
 */
export function listPageQuery<T extends BaseDoc>(
  collection: string,
  workflow: string | undefined,
  options: ListOptions = {},
): AqlQuery<PageRow<T>> {
  const { offset, limit } = paging(options);
  const bindVars: Record<string, unknown> = { '@col': collection, offset, limit };
  const conditions: string[] = [];
  if (workflow !== undefined) {
    bindVars.wf = workflow;
    conditions.push('d.workflow == @wf');
  }
  Object.entries(options.filter ?? {}).forEach(([field, value], i) => {
    checkFilterField(field);
    // Attribute names are bind parameters too (`d[@f0]`): no string is ever spliced into AQL.
    bindVars[`f${i}`] = field;
    bindVars[`v${i}`] = value;
    conditions.push(`d[@f${i}] == @v${i}`);
  });
  const filter = conditions.length ? `FILTER ${conditions.join(' AND ')}` : '';
  return {
    query: `
      // Count first, over the same filter (uses the [workflow] / [workflow, status] indexes).
      LET total = COUNT(FOR d IN @@col ${filter} RETURN 1)
      LET items = (
        FOR d IN @@col
          ${filter}
          SORT d._key
          LIMIT @offset, @limit
          RETURN UNSET(d, '_rev')
      )
      RETURN { total, items }`,
    bindVars,
  };
}
