/**
 * Whether the compiled CLI in dist/ may run: built (its stamp exists) and no TypeScript source
 * under src/ changed after the build began. Plain JavaScript with no dependency, because it
 * decides, before anything is loaded, between the compiled code and tsx (decision 0015).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The compiled CLI: one CommonJS file (decision 0020). */
export const MAIN_FILE = 'dist/cli/main.cjs';

/** V8's code caches of MAIN_FILE, one per command, written by bin/run-compiled.js; a build removes them with dist/. */
export const CODE_CACHE_DIR = 'dist/cli/code-cache';

/** Written by scripts/build.js when the bundle and its answers are built; its mtime is when that build began. */
export const BUILD_STAMP = 'dist/.build-stamp';

/**
 * What the compiled CLI printed for `--version`, `-V`, `--help` and `-h`, recorded by the build
 * (argument → stdout), so the bin answers those without loading the command tree.
 */
export const ANSWERS_FILE = 'dist/answers.json';

/** The newest mtime (ms) of the compiled sources under `dir`: `.ts` files, tests excluded as the build excludes them. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * @param root the package root (holding src/ and dist/)
 * @returns `'current'` (run dist), `'stale'` (a source is newer than the build), `'missing'`
 *   (never built), or `'compiled-only'` (no src/: an installed package, dist is all there is)
 */
export function compiledState(root) {
  let stamp;
  try {
    stamp = statSync(join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return 'missing';
  }
  let newest;
  try {
    newest = newestSource(join(root, 'src'));
  } catch {
    return 'compiled-only';
  }
  return newest <= stamp ? 'current' : 'stale';
}
