import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { loadSpecFile } from './load-spec-file.js';
import { parseSpecText } from './parse-spec-text.js';

function issueOf(fn: () => unknown): { path: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    return { ...v.issues[0]!, details: v.details };
  }
  throw new Error('expected a ValidationError');
}

describe('parseSpecText', () => {
  it('parses YAML, JSON and JSON5', () => {
    expect(parseSpecText('name: a\njobs: []\n', 'yaml')).toEqual({ name: 'a', jobs: [] });
    expect(parseSpecText('{"name": "a"}', 'json')).toEqual({ name: 'a' });
    expect(parseSpecText("{name: 'a', // comment\n jobs: [],}", 'json5')).toEqual({ name: 'a', jobs: [] });
  });

  it('keeps unquoted YAML ranges as strings (YAML 1.2, no base-60)', () => {
    expect(parseSpecText('i: 1:20', 'yaml')).toEqual({ i: '1:20' });
  });

  it('reports syntax errors at (file) with line and column', () => {
    const y = issueOf(() => parseSpecText('name: a\njobs: [1\nfoo: 2\n', 'yaml'));
    expect(y.path).toBe('(file)');
    expect(y.message).toMatch(/^yaml: .*line 3/);
    expect(y.details.line).toBe(3);
    const j = issueOf(() => parseSpecText('{\n"name": }', 'json'));
    expect(j.path).toBe('(file)');
    expect(j.message).toMatch(/^json: /);
    const j5 = issueOf(() => parseSpecText('{\n name: }', 'json5'));
    expect(j5.message).toMatch(/line 2/);
    expect(j5.details.line).toBe(2);
  });

  it('rejects duplicate YAML keys and multiple documents', () => {
    expect(issueOf(() => parseSpecText('name: a\nname: b\n', 'yaml')).message).toMatch(/unique|duplicate/i);
    expect(issueOf(() => parseSpecText('name: a\n---\nname: b\n', 'yaml')).message).toMatch(/more than one/);
  });
});

describe('loadSpecFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-spec-'));

  it('picks the format from the extension and falls back to YAML', async () => {
    writeFileSync(join(dir, 'a.json5'), "{name: 'j5'}");
    writeFileSync(join(dir, 'a.json'), '{"name": "j"}');
    writeFileSync(join(dir, 'a.yml'), 'name: y');
    writeFileSync(join(dir, 'a.spec'), 'name: other');
    expect(await loadSpecFile(join(dir, 'a.json5'))).toEqual({ name: 'j5' });
    expect(await loadSpecFile(join(dir, 'a.json'))).toEqual({ name: 'j' });
    expect(await loadSpecFile(join(dir, 'a.yml'))).toEqual({ name: 'y' });
    expect(await loadSpecFile(join(dir, 'a.spec'))).toEqual({ name: 'other' });
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'nope.yaml');
    await expect(loadSpecFile(missing)).rejects.toBeInstanceOf(ValidationError);
    await expect(loadSpecFile(missing)).rejects.toThrow(`cannot read spec file ${missing}: no such file`);
  });

  it('names the file in a syntax error', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"name": ');
    await expect(loadSpecFile(bad)).rejects.toThrow(bad);
  });
});
