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

describe('jsonShapeIssue with maxStringBytes', () => {
  const capped = (value: unknown, longAllowed?: (path: string) => boolean) =>
    jsonShapeIssue(value, {
      maxStringBytes: 16,
      ...(longAllowed && { longAllowed: (_key, path) => longAllowed(path()) }),
    });

  it('names the first string or key over the cap, counting UTF-8 bytes', () => {
    expect(capped({ jobs: [{ name: 'a' }, { name: 'b', label: 'x'.repeat(17) }] })).toEqual({
      path: 'jobs[1].label',
      message: 'longer than 16 bytes (JOBGRAPH_MAX_STRING_BYTES)',
    });
    expect(capped({ ['k'.repeat(17)]: 1 })?.message).toBe('a key longer than 16 bytes (JOBGRAPH_MAX_STRING_BYTES)');
    expect(capped('x'.repeat(17))?.path).toBe('(root)');
    // 16 characters but 32 bytes; 16 bytes exactly is allowed.
    expect(capped({ a: 'é'.repeat(16) })?.path).toBe('a');
    expect(capped({ a: 'é'.repeat(8), b: 'x'.repeat(16) })).toBeUndefined();
  });

  it('lets subtrees that allow long strings hold them, as values or nested', () => {
    const userData = (path: string) => /^user_data\[\d+\]\.data$/.test(path);
    const long = 'x'.repeat(100);
    expect(capped({ user_data: [{ name: 'u', data: long }] }, userData)).toBeUndefined();
    expect(capped({ user_data: [{ name: 'u', data: { [long]: [long] } }] }, userData)).toBeUndefined();
    expect(capped({ user_data: [{ name: long, data: 1 }] }, userData)?.path).toBe('user_data[0].name');
    expect(capped({ user_data: [{ name: 'u', data: long }] })?.path).toBe('user_data[0].data');
  });
});
