import { describe, expect, it } from 'vitest';
import { canonicalJson, commandHash, userDataHash } from './fingerprint.js';

describe('fingerprints', () => {
  it('canonical JSON ignores key order but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(userDataHash({ a: 1, b: 2 })).toBe(userDataHash({ b: 2, a: 1 }));
    expect(userDataHash({ a: 1 })).not.toBe(userDataHash({ a: 2 }));
    expect(userDataHash(undefined)).toBe(userDataHash(null));
  });

  it('command hash covers command and invocation script without ambiguity', () => {
    expect(commandHash({ command: 'echo a' })).toBe(commandHash({ command: 'echo a', invocation_script: '' }));
    expect(commandHash({ command: 'echo a' })).not.toBe(commandHash({ command: 'echo b' }));
    expect(commandHash({ command: 'b', invocation_script: 'a' })).not.toBe(commandHash({ command: 'a b' }));
  });
});
