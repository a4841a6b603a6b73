#!/usr/bin/env node
// Runs the CLI compiled to dist/ at install time (`npm run build`, decision 0015): no
// TypeScript transform on every start. When dist/ is missing or older than a source file
// (an edit since the last build), runs the sources through tsx instead — never stale code.
import { URL, fileURLToPath } from 'node:url';
import { compiledState } from './compiled-is-current.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const state = compiledState(root);
if (state === 'current' || state === 'compiled-only') {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
