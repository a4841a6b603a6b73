/**
 * The Python interpreters the spawn helper tries, in order (decision 0018, amended): first the
 * first `python3` on PATH that is a program rather than a script, then, when a script comes before
 * it, `python3` as PATH resolves it (that script). A version manager's shim (pyenv, asdf) is a shell script that runs a dozen processes to find
 * its interpreter: ~0.1 s of two cores at every worker start, measured with pyenv. The helper needs
 * only the standard library of a Python ≥ 3.8, so any real interpreter on PATH does; when that one
 * does not start (too old), the shim's is tried next.
 */
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What `file` is: an executable program, an executable script (`#!`), or neither. */
function kindOf(file: string): 'program' | 'script' | undefined {
  let fd: number | undefined;
  try {
    accessSync(file, constants.X_OK);
    fd = openSync(file, 'r');
    const head = Buffer.alloc(2);
    const read = readSync(fd, head, 0, 2, 0);
    return read === 2 && head.toString('latin1') === '#!' ? 'script' : 'program';
  } catch {
    return undefined; // missing, not executable, a directory
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The interpreters to try, given the PATH value `path`: the first program named `python3` on it,
 * then, when a script comes before that program, `python3` (which PATH resolves to that script).
 */
export function helperPythons(path: string): string[] {
  let scriptFirst = false;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'python3');
    const kind = kindOf(candidate);
    if (kind === 'program') return scriptFirst ? [candidate, 'python3'] : [candidate];
    if (kind === 'script') scriptFirst = true;
  }
  return ['python3'];
}
