/**
 * Find a Python that can import a peer's package, and run one of the bench's Python scripts
 * (bench/peers/python/) with it. Debian's packages (setup.sh --peers) land in /usr/bin/python3,
 * which a pyenv or venv `python3` on PATH does not see, so both are tried.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inheritedEnvironment } from '../../src/core/config.js';
import { packagePath } from '../../src/core/package-path.js';
import { firstLine } from './run-command.js';

const CANDIDATES = ['python3', '/usr/bin/python3'];
/** The folder of the bench's Python scripts (from the package root: the bench may run bundled). */
export const SCRIPTS = packagePath('bench', 'peers', 'python');

/**
 * The first interpreter that imports `module`, with the module's version.
 * @returns undefined when none does (the peer is not installed)
 */
export function pythonWith(module: string): { python: string; version: string } | undefined {
  for (const python of CANDIDATES) {
    const version = firstLine(python, ['-c', `import ${module}; print(${module}.__version__)`]);
    if (version) return { python, version };
  }
  return undefined;
}

/**
 * Run `python script args` in SCRIPTS with `env` added to this process's environment; the script
 * prints the milliseconds it measured as its last line.
 * @throws when it fails or prints no number
 */
export function runTimingScript(
  python: string,
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(python, [join(SCRIPTS, script), ...args.map(String)], {
      cwd: SCRIPTS,
      env: { ...inheritedEnvironment(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    child.once('error', fail);
    child.once('close', (code) => {
      const ms = Number(out.trim().split('\n').at(-1));
      if (code === 0 && Number.isFinite(ms)) done(ms);
      else fail(new Error(`${script} ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}
