/**
 * A guard for route schemas with large containers. zod reports one issue per bad item, and
 * issues are expensive (~10 µs and ~1 KB each): a body holding a million wrong items cost
 * seconds and a gigabyte before the answer, four million ran the process out of memory.
 * `fewIssues` checks the items first and, past MAX_CONTAINER_ISSUES bad ones, stops with a
 * single issue; otherwise the container is parsed as usual. The OpenAPI document is the
 * container's own (a preprocess step is not documented).
 */
import { z } from '@hono/zod-openapi';
import { formatPath } from '../errors.js';

/** Bad items a container may hold before its validation stops at one issue. */
export const MAX_CONTAINER_ISSUES = 100;

/**
 * `container` (a `z.array(item)` or `z.record(z.string(), item)`) that fails with one issue,
 * naming the first bad item, when more than MAX_CONTAINER_ISSUES of its items are bad.
 */
export function fewIssues<T extends z.ZodType>(container: T, item: z.ZodType) {
  return z.preprocess((value, ctx) => {
    const entries: Array<[string | number, unknown]> | undefined = Array.isArray(value)
      ? [...value.entries()]
      : typeof value === 'object' && value !== null
        ? Object.entries(value)
        : undefined;
    if (!entries || entries.length <= MAX_CONTAINER_ISSUES) return value;
    let bad = 0;
    let first: string | undefined;
    for (const [key, v] of entries) {
      const result = item.safeParse(v);
      if (result.success) continue;
      const issue = result.error.issues[0]!;
      first ??= `${formatPath([key, ...issue.path])}: ${issue.message}`;
      if (++bad > MAX_CONTAINER_ISSUES) {
        ctx.addIssue({
          code: 'custom',
          message: `more than ${MAX_CONTAINER_ISSUES} entries are invalid; the first is ${first}`,
        });
        break;
      }
    }
    return value;
  }, container);
}
