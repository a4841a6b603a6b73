import { describe, expect, it } from 'vitest';
import { jsonShapeIssue, MAX_JSON_DEPTH } from './json-shape.js';

const nulCharacterIssue = (value: unknown, allowed?: (path: string) => boolean) =>
  jsonShapeIssue(value, { noNul: true, ...(allowed && { nulAllowed: (_key, path) => allowed(path()) }) });

/** `{"a":{"a":…{"a":1}}}` with `levels` objects. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('jsonShapeIssue', () => {
  it('accepts documents up to MAX_JSON_DEPTH levels', () => {
    expect(jsonShapeIssue(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonShapeIssue({ jobs: [{ name: 'a', data: [1, [2, { x: null }]] }], n: 1 })).toBeUndefined();
    expect(jsonShapeIssue('text')).toBeUndefined();
  });

  it('names the path of the first value nested too deep', () => {
    const issue = jsonShapeIssue({ jobs: [{ name: 'a' }, { data: nested(MAX_JSON_DEPTH) }] });
    expect(issue?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(issue?.path).toBe(`jobs[1].data${'.a'.repeat(MAX_JSON_DEPTH - 3)}`);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonShapeIssue(deep)?.path).toBe('[0]'.repeat(MAX_JSON_DEPTH));
  });

  it('refuses __proto__ keys at any depth, as JSON.parse keeps them', () => {
    expect(jsonShapeIssue(JSON.parse('{"__proto__": {"x": 1}, "name": "x"}'))).toEqual({
      path: '(root)',
      message: '"__proto__" is not allowed as a key',
    });
    expect(jsonShapeIssue(JSON.parse('{"jobs": [{"__proto__": 1}]}'))?.path).toBe('jobs[0]');
    expect(jsonShapeIssue({ constructor: 1, prototype: 2 })).toBeUndefined();
  });
});

describe('jsonShapeIssue with noNul', () => {
  it('names the first string holding a NUL', () => {
    expect(nulCharacterIssue({ jobs: [{ name: 'ok' }, { name: 'a', command: 'echo \0' }] })?.path).toBe(
      'jobs[1].command',
    );
    expect(nulCharacterIssue('a\0')?.path).toBe('(root)');
    expect(nulCharacterIssue({ 'a\0b': 1 })?.message).toMatch(/^a key contains a NUL/);
    expect(nulCharacterIssue({ name: 'fine', n: 0, list: ['x'] })).toBeUndefined();
  });

  it('leaves skipped subtrees alone', () => {
    const spec = { user_data: [{ name: 'u', data: { blob: 'a\0b' } }] };
    expect(nulCharacterIssue(spec, (path) => /^user_data\[\d+\]\.data$/.test(path))).toBeUndefined();
    expect(nulCharacterIssue(spec)?.path).toBe('user_data[0].data.blob');
  });
});
