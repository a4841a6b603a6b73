/**
 * A live `jobgraph server` and one `jobgraph worker` (serving every workflow) for the client
 * tests, shared by the tests of one file: each client's examples and tests run against it as
 * separate processes, as a user's scripts would. `stop()` kills both.
 */
import { afterAll, beforeAll } from 'vitest';
import { makeRunDir, runCli, spawnCli, type CliResult } from '../e2e/support/cli.js';
import { startTestServer, type Child } from '../e2e/support/test-server.js';

export interface LiveStack {
  /** The API base URL, as JOBGRAPH_API takes it. */
  api: string;
  /** The directory the server and worker run in (the worker's jobs too). */
  dir: string;
  /** Run `command` (program and arguments) in `cwd` with JOBGRAPH_API set to the live API. */
  run(command: string[], cwd: string, env?: Record<string, string>): Promise<CliResult>;
}

/** Start the stack before the file's tests and stop it after; read the stack inside tests. */
export function liveStackForFile(): () => LiveStack {
  const children: Child[] = [];
  let stack: LiveStack | undefined;
  beforeAll(async () => {
    const dir = makeRunDir();
    const server = await startTestServer(dir, children);
    const worker = spawnCli(['worker', 'start', '--api', server.api, '--cpus', '2', '--mem', '1g', '--cwd', dir], {
      cwd: dir,
      env: server.env,
    });
    children.push(worker);
    stack = {
      api: server.api,
      dir,
      run: (command, cwd, env = {}) =>
        runCli(command.slice(1), { cwd, env: { JOBGRAPH_API: server.api, ...env } }, command.slice(0, 1)),
    };
  }, 120_000);
  afterAll(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  return () => {
    if (!stack) throw new Error('the live stack did not start');
    return stack;
  };
}

/** The JSON object an example prints on its last line. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as Record<string, unknown>;
}
