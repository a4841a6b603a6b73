/**
 * The generated Python client (clients/python) against a live server and worker: its pytest
 * suite, `mypy --strict` over the examples, and both examples run as a user would. Needs the
 * virtualenv `scripts/setup.sh` makes (.venv); skipped, saying so, where it is absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../e2e/support/cli.js';
import { lastJsonLine, liveStackForFile } from './live-stack.js';

const PYTHON = join(REPO, '.venv', 'bin', 'python');
const missing = existsSync(PYTHON) ? undefined : 'no .venv: run scripts/setup.sh to make the Python virtualenv';

(missing ? describe.skip : describe)(`Python client${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const stack = liveStackForFile();

  it('installs from clients/python (the committed client, not an older copy)', async () => {
    // Offline and without build isolation: setup.sh put setuptools and the dependencies in .venv.
    const r = await runCli(
      ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--no-index', '--force-reinstall', './clients/python'],
      { cwd: REPO },
      [PYTHON],
    );
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('passes its pytest suite against the live API', async () => {
    const r = await stack().run([PYTHON, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'clients/python/tests'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\b7 passed\b/);
  }, 300_000);

  it('type-checks the examples and the convenience layer with mypy --strict', async () => {
    // mypy takes files or a package, not both; the second run reuses the first's cache
    // (.mypy_cache, ignored by git) for the generated package both import.
    const mypy = (...args: string[]) =>
      runCli(['-m', 'mypy', '--strict', ...args], { cwd: join(REPO, 'examples/clients/python') }, [PYTHON]);
    const examples = await mypy('direct_mode.py', 'from_spec.py');
    expect(examples.code, examples.stdout + examples.stderr).toBe(0);
    const layer = await mypy('-p', 'jobgraph_client');
    expect(layer.code, layer.stdout + layer.stderr).toBe(0);
  }, 300_000);

  it('runs examples/clients/python/direct_mode.py: results and events of both jobs', async () => {
    const r = await stack().run([PYTHON, 'examples/clients/python/direct_mode.py'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 2, results: 2 });
    expect(lastJsonLine(r.stdout).events).toBeGreaterThanOrEqual(6);
  }, 300_000);

  it('runs examples/clients/python/from_spec.py: the diamond completes', async () => {
    const r = await stack().run([PYTHON, 'examples/clients/python/from_spec.py'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 4 });
  }, 300_000);
});
