import { describe, expect, it } from 'vitest';
import { fileReferences, replaceFileReferences } from './file-references.js';

const FILE_REF = /\$\{files\.(input|output)\.([^}]+)\}/g;
const names = (text: string) => [...fileReferences(text)].map((r) => `${r.direction}:${r.name}`);
const byRegex = (text: string) => [...text.matchAll(FILE_REF)].map((m) => `${m[1]}:${m[2]}`);

describe('fileReferences', () => {
  it.each([
    'cat ${files.input.raw} > ${files.output.out}',
    'x ${files.input.} ${files.output.a b}',
    '${files.${files.input.a}',
    '${files.inputs.a} ${files.input.b',
    '${files.output.${x}} ${files.input.\n}',
    'no references',
    '${files.output.a}${files.input.b}}',
  ])('finds what the regex finds in %j', (text) => expect(names(text)).toEqual(byRegex(text)));

  it('replaces each reference', () => {
    expect(replaceFileReferences('cat ${files.input.a} ${files.output.b}!', (r) => r.name.toUpperCase())).toBe(
      'cat A B!',
    );
    expect(replaceFileReferences('plain', () => 'x')).toBe('plain');
  });

  it('is linear on a long command of unclosed references', () => {
    const text = '${files.input.'.repeat(200_000);
    const started = performance.now();
    expect(names(text)).toEqual([]);
    expect(names(`${text}}`)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
