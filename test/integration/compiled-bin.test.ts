/**
 * bin/jobgraph.js runs dist/ only when it is current, else the sources through tsx (decision
 * 0015) — checked in a package root of its own, with a dist/ and a src/ that say which ran.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWERS_FILE, BUILD_STAMP, compiledState } from '../../bin/compiled-is-current.js';

const REPO = resolve(import.meta.dirname, '../..');
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A package root with the real bin/, a dist/ built at `builtAt` and a src/ last changed at `editedAt` (ms). */
function packageRoot(builtAt: number, editedAt: number): string {
  const root = mkdtempSync(join(tmpdir(), 'jobgraph-bin-'));
  roots.push(root);
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  writeFileSync(join(root, 'dist/cli/main.js'), "process.stdout.write('compiled');\n");
  mkdirSync(join(root, 'src/cli/commands'), { recursive: true });
  writeFileSync(join(root, 'src/cli/main.ts'), "process.stdout.write('sources' as string);\n");
  writeFileSync(join(root, 'src/cli/commands/x.ts'), 'export {};\n');
  // A test file is not compiled: it never makes dist/ stale.
  writeFileSync(join(root, 'src/cli/commands/x.test.ts'), 'export {};\n');
  for (const file of ['src/cli/main.ts', 'src/cli/commands/x.ts', 'src/cli/commands/x.test.ts'])
    utimesSync(join(root, file), new Date(editedAt - 60_000), new Date(editedAt - 60_000));
  utimesSync(join(root, 'src/cli/commands/x.ts'), new Date(editedAt), new Date(editedAt));
  writeFileSync(join(root, BUILD_STAMP), '');
  utimesSync(join(root, BUILD_STAMP), new Date(builtAt), new Date(builtAt));
  return root;
}

const ran = (root: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/jobgraph.js'), ...args], { encoding: 'utf8' }).stdout;

describe('bin/jobgraph.js', () => {
  const now = Date.now();

  it('runs dist/ when no source changed after the build began', () => {
    const root = packageRoot(now, now - 1000);
    expect(compiledState(root)).toBe('current');
    expect(ran(root)).toBe('compiled');
  });

  it('runs the sources through tsx when a source is newer than the build', () => {
    const root = packageRoot(now - 1000, now);
    expect(compiledState(root)).toBe('stale');
    expect(ran(root)).toBe('sources');
  });

  it("answers --version and --help from the build's record, and only those, only while current", () => {
    const root = packageRoot(now, now - 1000);
    writeFileSync(join(root, ANSWERS_FILE), JSON.stringify({ '--version': '9.9.9\n', '--help': 'Usage: recorded\n' }));
    expect(ran(root, '--version')).toBe('9.9.9\n');
    expect(ran(root, '--help')).toBe('Usage: recorded\n');
    expect(ran(root, 'workflow', '--help')).toBe('compiled');
    utimesSync(join(root, 'src/cli/main.ts'), new Date(now + 5000), new Date(now + 5000));
    expect(ran(root, '--version')).toBe('sources');
  });

  it('does not count test files', () => {
    const root = packageRoot(now, now - 1000);
    utimesSync(join(root, 'src/cli/commands/x.test.ts'), new Date(now + 5000), new Date(now + 5000));
    expect(compiledState(root)).toBe('current');
  });

  it('runs the sources when never built, and dist/ alone when there are no sources', () => {
    const unbuilt = packageRoot(now, now);
    rmSync(join(unbuilt, BUILD_STAMP));
    expect(compiledState(unbuilt)).toBe('missing');
    expect(ran(unbuilt)).toBe('sources');

    const installed = packageRoot(now, now);
    rmSync(join(installed, 'src'), { recursive: true });
    expect(compiledState(installed)).toBe('compiled-only');
    expect(ran(installed)).toBe('compiled');
  });
});
