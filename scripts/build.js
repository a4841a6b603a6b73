#!/usr/bin/env node
/**
 * `npm run build`: compile src/ to dist/ with tsc (tsconfig.build.json, incremental), then
 * stamp the build with the time it BEGAN, so a source saved while tsc ran counts as newer
 * than the build and bin/jobgraph.js keeps running it through tsx (decision 0015).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { ANSWERS_FILE, BUILD_STAMP } from '../bin/compiled-is-current.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const began = new Date();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The compiled CLI's own answers, recorded for the bin to print without loading it. Written
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
