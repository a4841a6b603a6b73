/**
 * bin/jobgraph.js runs dist/ only when it is current, else the sources through tsx (decision
 * 0015) — checked in a package root of its own, with a dist/ and a src/ that say which ran —
 * and runs dist/ with a V8 code cache per command (bin/run-compiled.js, decision 0020).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWERS_FILE, BUILD_STAMP, CODE_CACHE_DIR, compiledState, MAIN_FILE } from '../../bin/compiled-is-current.js';
import { cacheDirOf } from '../../bin/run-compiled.js';

const REPO = resolve(import.meta.dirname, '../..');
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A package root with the real bin/ and node_modules/, `manifest` as its package.json, and an empty dist/cli/. */
function bareRoot(manifest: string): string {
  const root = mkdtempSync(join(tmpdir(), 'jobgraph-bin-'));
  roots.push(root);
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), manifest);
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  return root;
}

/** A package root with the real bin/, a dist/ built at `builtAt` and a src/ last changed at `editedAt` (ms). */
function packageRoot(builtAt: number, editedAt: number): string {
  const root = bareRoot('{ "type": "module" }\n');
  writeFileSync(join(root, MAIN_FILE), "process.stdout.write('compiled');\n");
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

describe('the code cache of the compiled CLI', () => {
  const now = Date.now();
  const cacheOf = (root: string, name: string) => join(root, CODE_CACHE_DIR, `${name}.bin`);

  it("writes a command's cache at exit and takes it on the next start", () => {
    const root = packageRoot(now, now - 1000);
    expect(ran(root, 'workflow', 'list')).toBe('compiled');
    const cache = cacheOf(root, 'workflow');
    const written = { bytes: readFileSync(cache), mtimeMs: statSync(cache).mtimeMs };
    expect(written.bytes.length).toBeGreaterThan(0);
    expect(ran(root, 'workflow', 'show')).toBe('compiled');
    // Taken: a refused cache would have been written again.
    expect(statSync(cache).mtimeMs).toBe(written.mtimeMs);
    expect(readFileSync(cache).equals(written.bytes)).toBe(true);
    // An argument that cannot be a command's name uses the shared one.
    expect(ran(root, '--no-such-flag', 'x')).toBe('compiled');
    // A dry run has its own: it runs little of what a run does.
    expect(ran(root, 'run', '--dry-run', 'spec.yaml')).toBe('compiled');
    expect(readdirSync(join(root, CODE_CACHE_DIR)).sort()).toEqual(['main.bin', 'run-dry-run.bin', 'workflow.bin']);
  });

  it('runs the command when the cache is damaged, and writes it again', () => {
    const root = packageRoot(now, now - 1000);
    expect(ran(root, 'run')).toBe('compiled');
    const cache = cacheOf(root, 'run');
    const size = statSync(cache).size;
    truncateSync(cache, 16);
    expect(ran(root, 'run')).toBe('compiled');
    expect(statSync(cache).size).toBe(size);
  });

  it('leaves a cache another process wrote while this one ran', () => {
    const root = packageRoot(now, now - 1000);
    const cache = cacheOf(root, 'run');
    // The "other process": the command itself writes the cache before it exits.
    writeFileSync(
      join(root, MAIN_FILE),
      `require('node:fs').mkdirSync(${JSON.stringify(join(root, CODE_CACHE_DIR))}, { recursive: true });\n` +
        `require('node:fs').writeFileSync(${JSON.stringify(cache)}, 'from another process');\n` +
        "process.stdout.write('compiled');\n",
    );
    expect(ran(root, 'run')).toBe('compiled');
    expect(readFileSync(cache, 'utf8')).toBe('from another process');
  });

  it('runs the command, and leaves nothing behind, where no cache can be written', () => {
    const root = packageRoot(now, now - 1000);
    writeFileSync(join(root, CODE_CACHE_DIR), 'a file where the directory would be');
    expect(ran(root, 'run')).toBe('compiled');
    expect(readdirSync(join(root, 'dist/cli')).sort()).toEqual(['code-cache', 'main.cjs']);
  });

  it('loads the bundle uncached when stack traces are to be mapped (--enable-source-maps)', () => {
    const root = packageRoot(now, now - 1000);
    const run = spawnSync(process.execPath, ['--enable-source-maps', join(root, 'bin/jobgraph.js'), 'run'], {
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('compiled');
    expect(existsSync(join(root, CODE_CACHE_DIR))).toBe(false);
  });

  // The real bundle, copied into an installed-like package root: a run that loads the spec
  // machinery (which sets a V8 flag as it loads) must still take the cache it wrote.
  it.runIf(existsSync(join(REPO, MAIN_FILE)))('takes its own cache with the real bundle', () => {
    const root = bareRoot('{ "name": "jobgraph", "type": "module" }\n');
    cpSync(join(REPO, MAIN_FILE), join(root, MAIN_FILE));
    writeFileSync(join(root, BUILD_STAMP), '');
    const spec = join(root, 'rx.yaml');
    writeFileSync(
      spec,
      'name: rx\njobs:\n  - name: a\n    command: "true"\n  - name: b\n    command: "true"\n    depends_on_regexes: ["^a$"]\n',
    );
    const dryRun = () => ran(root, 'run', '--dry-run', spec);
    expect(dryRun()).toMatch(/stage 2 \(1\): b/);
    const cache = cacheOf(root, 'run-dry-run');
    const mtimeMs = statSync(cache).mtimeMs;
    expect(dryRun()).toMatch(/stage 2 \(1\): b/);
    expect(statSync(cache).mtimeMs).toBe(mtimeMs);
  });
});

describe('where the code caches go', () => {
  const bundle = Buffer.from('one bundle');

  it('in dist/ when this user may write there, else under the user cache directory, by checksum', () => {
    expect(cacheDirOf('/pkg', { distWritable: true, env: { HOME: '/home/u' }, bundle })).toBe(
      join('/pkg', CODE_CACHE_DIR),
    );
    const xdg = cacheDirOf('/pkg', { distWritable: false, env: { XDG_CACHE_HOME: '/x', HOME: '/home/u' }, bundle });
    expect(xdg).toMatch(/^\/x\/jobgraph\/code-cache\/[0-9a-f]+-10$/);
    expect(cacheDirOf('/pkg', { distWritable: false, env: { HOME: '/home/u' }, bundle })).toBe(
      xdg!.replace('/x/', '/home/u/.cache/'),
    );
    // Another bundle of the same length (all V8 would check) gets another directory.
    const other = cacheDirOf('/pkg', {
      distWritable: false,
      env: { XDG_CACHE_HOME: '/x' },
      bundle: Buffer.from('two bundle'),
    });
    expect(other).not.toBe(xdg);
    expect(cacheDirOf('/pkg', { distWritable: false, env: {}, bundle })).toBeUndefined();
  });
});
