#!/usr/bin/env node
// Runs the CLI compiled to dist/ at install time (`npm run build`, decision 0015): no
// TypeScript transform on every start, and V8's code cache of each command (run-compiled.js,
// decision 0020). When dist/ is missing or older than a source file (an edit since the last
// build), runs the sources through tsx instead — never stale code.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { ANSWERS_FILE, compiledState } from './compiled-is-current.js';
import { runCompiled } from './run-compiled.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const state = compiledState(root);
if (state === 'current' || state === 'compiled-only') {
  // `jobgraph --version` and `jobgraph --help` are answered from what the build recorded the
  // compiled CLI printing for them: loading the command tree (zod, the spec parsers) costs more
  // than the 0.3 s these may take.
  const args = process.argv.slice(2);
  const answers = args.length === 1 ? readAnswers() : undefined;
  const answer = answers?.[args[0]];
  if (answer !== undefined) process.stdout.write(answer);
  else runCompiled(root, args);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

/** The recorded answers, or undefined when the build wrote none (then the CLI answers itself). */
function readAnswers() {
  try {
    return JSON.parse(readFileSync(`${root}${ANSWERS_FILE}`, 'utf8'));
  } catch {
    return undefined;
  }
}
