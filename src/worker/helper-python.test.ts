import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { helperPythons } from './helper-python.js';
import { startSpawnHelper } from './spawn-helper.js';

let dir: string;
const pathOf = (...dirs: string[]) => dirs.join(delimiter);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-python-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** A directory `name` holding `python3`: a script with `body`, or a link to `target`. */
async function binDir(name: string, python3: { script: string } | { target: string }): Promise<string> {
  const bin = join(dir, name);
  await mkdir(bin);
  if ('script' in python3) await writeFile(join(bin, 'python3'), `#!/bin/sh\n${python3.script}\n`, { mode: 0o755 });
  else await symlink(python3.target, join(bin, 'python3'));
  return bin;
}

describe('helperPythons', () => {
  it('passes over scripts (shims) and picks the first program, then falls back to python3', async () => {
    const shim = await binDir('shim', { script: 'exit 1' });
    const real = await binDir('real', { target: process.execPath });
    expect(helperPythons(pathOf(shim, '', join(dir, 'missing'), real))).toEqual([join(real, 'python3'), 'python3']);
  });

  it('gives the program alone when it is the first python3 on PATH', async () => {
    const real = await binDir('real', { target: process.execPath });
    const shim = await binDir('shim', { script: 'exit 1' });
    expect(helperPythons(pathOf(real, shim))).toEqual([join(real, 'python3')]);
  });

  it('passes over a program that may not be run, and gives python3 alone when only scripts are found', async () => {
    const shim = await binDir('shim', { script: 'exit 1' });
    const plain = join(dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'python3'), '\x7fELF', { mode: 0o644 });
    expect(helperPythons(pathOf(plain, shim))).toEqual(['python3']);
  });
});

describe('the Python a spawn helper runs', () => {
  // The interpreter the tests run the helper with: a program on this machine's PATH.
  const [real] = helperPythons(process.env.PATH ?? '');

  it.runIf(real !== 'python3')('runs the program found past a shim, without running the shim', async () => {
    const marker = join(dir, 'shim-ran');
    const shim = await binDir('shim', { script: `touch ${marker}; exec ${real} "$@"` });
    const program = await binDir('program', { target: real! });
    vi.stubEnv('PATH', pathOf(shim, program, process.env.PATH ?? ''));
    const helper = await startSpawnHelper({ prefer: 'python' });
    await helper.close();
    expect(helper.kind).toBe('python');
    expect(existsSync(marker)).toBe(false);
  });

  it.runIf(real !== 'python3')('tries python3 through PATH when the program found does not start', async () => {
    const marker = join(dir, 'shim-ran');
    const shim = await binDir('shim', { script: `touch ${marker}; exec ${real} "$@"` });
    const broken = await binDir('broken', { target: '/bin/false' });
    vi.stubEnv('PATH', pathOf(shim, broken, process.env.PATH ?? ''));
    const helper = await startSpawnHelper({ prefer: 'python' });
    await helper.close();
    expect(helper.kind).toBe('python');
    expect(existsSync(marker)).toBe(true);
  });
});
