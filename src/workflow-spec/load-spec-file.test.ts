import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { loadSpecFile } from './load-spec-file.js';

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadSpecFile', () => {
  it('reads .kdl as KDL, and text of unknown extension as YAML, else KDL', async () => {
    expect(await loadSpecFile(file('a.kdl', 'name "k"\n'))).toEqual({ name: 'k' });
    expect(await loadSpecFile(file('a.spec', 'name: y\n'))).toEqual({ name: 'y' });
    expect(await loadSpecFile(file('b.spec', 'name "k"\njob "a" {\n  command "x"\n}\n'))).toMatchObject({ name: 'k' });
  });

  it('says which formats are supported when the format cannot be told', async () => {
    const err = await loadSpecFile(file('c.txt', 'name: [\njob "a" {\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/cannot tell the spec format.*\.yaml or \.yml.*\.json5.*\.kdl/);
  });
});
