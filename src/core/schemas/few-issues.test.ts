import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { fewIssues, MAX_CONTAINER_ISSUES } from './few-issues.js';

describe('fewIssues', () => {
  const item = z.string().min(1);
  const list = fewIssues(z.array(item), item);
  const record = fewIssues(z.record(z.string(), item), item);

  it('parses a valid container as the container does', () => {
    expect(list.parse(['a', 'b'])).toEqual(['a', 'b']);
    expect(record.parse({ a: 'x' })).toEqual({ a: 'x' });
  });

  it('lists each issue while there are few', () => {
    const result = list.safeParse([1, 'a', 2]);
    expect(result.error?.issues.map((i) => i.path)).toEqual([[0], [2]]);
  });

  it('stops at one issue naming the first bad item when there are many', () => {
    const started = performance.now();
    const result = z.object({ jobs: list }).safeParse({ jobs: ['ok', ...new Array(1_000_000).fill(7)] });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['jobs'],
      message: expect.stringMatching(
        new RegExp(`^more than ${MAX_CONTAINER_ISSUES} entries are invalid; the first is \\[1\\]: Invalid input`),
      ),
    });
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    expect(record.safeParse(many).error?.issues[0]?.message).toMatch(/the first is k0: /);
  });
});
