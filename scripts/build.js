#!/usr/bin/env node
/**
 * `npm run build`: bundle the CLI (src/cli/main.ts and everything it imports, npm packages
 * included) into dist/ with esbuild, then record its answers to --version and --help and stamp
 * the build with the time it BEGAN, so a source saved while it ran counts as newer than the
 * build and bin/jobgraph.js keeps running it through tsx (decisions 0015, 0017).
 *
 * Types are not checked here: `npm run typecheck` (tsc --noEmit) does that, in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ANSWERS_FILE, BUILD_STAMP } from '../bin/compiled-is-current.js';

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
    outbase: 'src',
    outdir: 'dist',
    // Code that a command imports on use stays in a chunk of its own, loaded on use.
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'linked',
    // CommonJS packages in an ES module bundle call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __jobgraphRequire } from 'node:module'; const require = __jobgraphRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
} catch {
  process.exit(1); // esbuild printed the errors
}

// The bundled CLI's own answers, recorded for the bin to print without loading it. Written
// before the stamp: a build that stops between the two leaves dist/ not current.
const main = `${root}dist/cli/main.js`;
const answers = {};
for (const arg of ['--version', '-V', '--help', '-h']) {
  const run = spawnSync(process.execPath, [main, arg], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '80' },
  });
  if (run.status !== 0) {
    process.stderr.write(`build: dist/cli/main.js ${arg} failed (${run.status}): ${run.stderr}`);
    process.exit(1);
  }
  answers[arg] = run.stdout;
}
writeFileSync(`${root}${ANSWERS_FILE}`, `${JSON.stringify(answers, null, 2)}\n`);
const stamp = `${root}${BUILD_STAMP}`;
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, began, began);
