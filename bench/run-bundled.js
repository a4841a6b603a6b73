/**
 * `node bench/run-bundled.js bench/X.ts [args…]`: run a benchmark bundled by esbuild, the way
 * the CLI ships (decision 0017), not through tsx. tsx compiles with esbuild's `keepNames`, which
 * wraps every function a closure creates in a `__name()` call: a tenth of the million-job
 * create, a cost the installed `jobgraph` never pays. npm packages stay external (imported
 * from node_modules as the CLI does); the bundle goes under node_modules/.cache, so
 * packagePath() still finds this package's root above it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bench/run-bundled.js bench/X.ts [args…]\n');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'node_modules', '.cache', 'jobgraph-bench');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
