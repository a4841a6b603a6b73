import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath, packageRoot } from './package-path.js';

describe('package path', () => {
  it('finds the package root above this module, and the files the CLI needs under it', () => {
    expect(packageRoot()).toBe(resolve(import.meta.dirname, '../..'));
    expect(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).name).toBe('jobgraph');
    expect(existsSync(packagePath('bin', 'jobgraph.js'))).toBe(true);
    expect(existsSync(packagePath('web', 'dashboard', 'index.html'))).toBe(true);
  });
});
