import { z } from '@hono/zod-openapi';
import type { ListOptions, Page } from '../../graph/graph-store.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../graph/list-paging.js';

/** `offset` and `limit` query parameters, shared by every list endpoint. */
export const pagingQueryShape = {
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' }, description: 'Items to skip', example: 0 }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `Page size (at most ${MAX_LIMIT})`,
      example: DEFAULT_LIMIT,
    }),
};

/** `{ items, total, offset, limit }` around `item`. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ items: z.array(item), total: z.number().int(), offset: z.number().int(), limit: z.number().int() })
    .openapi(name);
}

/**
 * Split validated query parameters into store list options: paging, plus every other
 * defined parameter as an equality filter.
 */
export function listOptions(query: { offset: number; limit: number } & Record<string, unknown>): ListOptions {
  const { offset, limit, ...rest } = query;
  const filter: Record<string, string | number | boolean> = {};
  for (const [field, value] of Object.entries(rest)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') filter[field] = value;
  }
  return { offset, limit, ...(Object.keys(filter).length ? { filter } : {}) };
}

/** A store page as the response body. */
export function pageBody<T>(
  page: Page<T>,
  options: ListOptions,
): { items: T[]; total: number; offset: number; limit: number } {
  return { items: page.items, total: page.total, offset: options.offset ?? 0, limit: options.limit ?? DEFAULT_LIMIT };
}
