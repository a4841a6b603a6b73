/**
 * A `jobgraph server` process for end-to-end tests, on a free port, with the suite's Redis
 * and a queue prefix of its own; and the bookkeeping that kills what a test started.
 */
import { createServer } from 'node:net';
import { afterEach, expect, inject } from 'vitest';
import { randomKey } from '../../../src/core/keys.js';
import { runCli, spawnCli, waitFor } from './cli.js';

export type Child = ReturnType<typeof spawnCli>;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Processes a test file starts; every one still running is killed after each test. Call at module level. */
export function childrenKilledAfterEach(): Child[] {
  const children: Child[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  return children;
}

export interface TestServer {
  api: string;
  env: Record<string, string>;
  server: Child;
  /** Run a client command with `--api` added; its stdout. Throws with stderr when it fails. */
  cli(...args: string[]): Promise<string>;
}

/**
 * Start `jobgraph server` in `dir` on `db` (relative to dir), with `extra` arguments and
 * environment, and wait until it answers.
 */
export async function startTestServer(
  dir: string,
  children: Child[],
  db = 'graph.sqlite',
  extra: { args?: string[]; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const port = await freePort();
  const env = { REDIS_URL: inject('redisUrl'), JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}` };
  const server = spawnCli(['server', '--port', String(port), '--db', db, ...(extra.args ?? [])], {
    cwd: dir,
    env: { ...env, ...extra.env },
  });
  children.push(server);
  const api = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => ((await fetch(`${api}/health`).catch(() => undefined))?.ok ? true : undefined),
    60_000,
    'server',
  );
  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--api', api], { cwd: dir, env });
    if (r.code !== 0) throw new Error(`jobgraph ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  return { api, env, server, cli };
}

/**
 * The first admin token of a store in `dir`, made as an operator makes it on the server's
 * machine: `jobgraph token create --db <db> --user admin --role admin --json`.
 */
export async function bootstrapAdminToken(
  dir: string,
  env: Record<string, string>,
  db = 'graph.sqlite',
): Promise<string> {
  const r = await runCli(['token', 'create', '--db', db, '--user', 'admin', '--role', 'admin', '--json'], {
    cwd: dir,
    env,
  });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { token: string }).token;
}
