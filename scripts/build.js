#!/usr/bin/env node
/**
 * `npm run build`: bundle the CLI (src/cli/main.ts and everything it imports, npm packages
 * included) into dist/ with esbuild, then record its answers to --version and --help and stamp
 * the build with the time it BEGAN, so a source saved while it ran counts as newer than the
 * build and bin/jobgraph.js keeps running it through tsx (decisions 0015, 0017, 0020).
 *
 * Types are not checked here: `npm run typecheck` (tsc --noEmit) does that, in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ANSWERS_FILE, BUILD_STAMP, MAIN_FILE } from '../bin/compiled-is-current.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const began = new Date();

/**
 * Left to Node to load from node_modules: better-sqlite3 (a native addon), and two large
 * packages only a few commands load, on use — Chromium's driver for the resource plots and
 * the AWS SDK for the aws provider — which would more than double the bundle for nothing.
 */
const EXTERNAL = ['better-sqlite3', 'playwright-core', '@aws-sdk/*'];

rmSync(`${root}dist`, { recursive: true, force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: MAIN_FILE,
    // One CommonJS file, run by bin/run-compiled.js with a V8 code cache (decision 0020): code a
    // command imports on use is still evaluated on use (esbuild wraps each module in an init
    // function), and compiled on use (V8 compiles a function when it first runs).
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'linked',
    // Code that finds files of the package from its own location (package-path.ts, the dashboard's
    // vendored files) asks `import.meta.url`, which a CommonJS file has not: the bundle's own URL.
    define: { 'import.meta.url': '__jobgraphBundleUrl' },
    // `import()` of a package left outside (the AWS SDK, Playwright) becomes `require()`: both
    // ship CommonJS, and a script run through `vm` has no loader for `import()` (not experimental).
    supported: { 'dynamic-import': false },
    banner: { js: "const __jobgraphBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
} catch {
  process.exit(1); // esbuild printed the errors
}

// The bundled CLI's own answers, recorded for the bin to print without loading it. Written
// before the stamp: a build that stops between the two leaves dist/ not current.
const main = `${root}${MAIN_FILE}`;
const answers = {};
for (const arg of ['--version', '-V', '--help', '-h']) {
  const run = spawnSync(process.execPath, [main, arg], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '80' },
  });
  if (run.status !== 0) {
    process.stderr.write(`build: ${MAIN_FILE} ${arg} failed (${run.status}): ${run.stderr}`);
    process.exit(1);
  }
  answers[arg] = run.stdout;
}
writeFileSync(`${root}${ANSWERS_FILE}`, `${JSON.stringify(answers, null, 2)}\n`);
const stamp = `${root}${BUILD_STAMP}`;
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, began, began);
