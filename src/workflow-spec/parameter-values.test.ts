import { describe, expect, it } from 'vitest';
import { parameterValues } from './parameter-values.js';

describe('parameterValues', () => {
  it('expands integer ranges with an inclusive end', () => {
    expect(parameterValues('1:5')).toEqual([1, 2, 3, 4, 5]);
    expect(parameterValues('1:100')).toHaveLength(100);
  });

  it('expands stepped and descending integer ranges', () => {
    expect(parameterValues('0:100:10')).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(parameterValues('0:9:4')).toEqual([0, 4, 8]);
    expect(parameterValues('5:1:-2')).toEqual([5, 3, 1]);
  });

  it('expands float ranges inclusively and without float noise', () => {
    const v = parameterValues('0.0:1.0:0.1');
    expect(v).toHaveLength(11);
    expect(v).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(parameterValues('0.0:1.0:0.25')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(parameterValues('1e-3:3e-3:1e-3')).toEqual([0.001, 0.002, 0.003]);
  });

  it('parses lists of ints, floats and quoted strings', () => {
    expect(parameterValues('[1,5,10]')).toEqual([1, 5, 10]);
    expect(parameterValues('[0.1, 0.5]')).toEqual([0.1, 0.5]);
    expect(parameterValues("['adam','sgd']")).toEqual(['adam', 'sgd']);
    expect(parameterValues('["a,b", \'c\']')).toEqual(['a,b', 'c']);
    expect(parameterValues('[a, b c]')).toEqual(['a', 'b c']);
  });

  it('passes real arrays and scalars through', () => {
    expect(parameterValues([1, 'x', 2.5])).toEqual([1, 'x', 2.5]);
    expect(parameterValues(7)).toEqual([7]);
    expect(parameterValues('7')).toEqual([7]);
    expect(parameterValues('hello')).toEqual(['hello']);
    expect(parameterValues(true)).toEqual([true]);
  });

  it('rejects empty, zero-step and runaway ranges and malformed lists', () => {
    expect(() => parameterValues('5:1')).toThrow(/empty/);
    expect(() => parameterValues('1:5:0')).toThrow(/step of 0/);
    expect(() => parameterValues('1:100000000')).toThrow(/more than/);
    expect(() => parameterValues('[]')).toThrow(/empty/);
    expect(() => parameterValues('[1,,2]')).toThrow(/empty item/);
    expect(() => parameterValues("['a]")).toThrow(/unterminated/);
  });
});
