/**
 * Paths inside this installation of jobgraph (bin/, web/), found upwards from this module to
 * the directory whose package.json names `jobgraph`: the same walk works from src/ under tsx
 * and from the bundled CLI in dist/, wherever the bundler put this code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function isPackageRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'jobgraph';
  } catch {
    return false;
  }
}

/** The package's root directory (holding package.json, bin/, web/). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ;) {
    if (isPackageRoot(dir)) return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`the jobgraph package.json was not found above ${here}`);
    dir = parent;
  }
}

/** `parts` joined under the package root. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
