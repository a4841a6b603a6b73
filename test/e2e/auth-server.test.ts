/**
 * A server with `--auth` as a group would run it, all real processes: the first admin token
 * made with direct store access (`token create --db`), tokens made through the API by the
 * CLI, a user's workflow run by a worker holding a worker token scoped to it, and no secret
 * in any log.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunDir, runCli, spawnCli } from './support/cli.js';
import { bootstrapAdminToken, childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const children = childrenKilledAfterEach();

describe('jobgraph server --auth', () => {
  it("runs a user's workflow with a scoped worker token, refusing anonymous and foreign callers", async () => {
    const dir = makeRunDir();
    writeFileSync(join(dir, 'one.yaml'), 'name: one\njobs:\n  - { name: a, command: "echo hi > a.txt" }\n');
    // No token file of the machine's user may leak in.
    const base = { XDG_CONFIG_HOME: dir, JOBGRAPH_TOKEN: '' };
    const admin = await bootstrapAdminToken(dir, base);

    const { api, env, server } = await startTestServer(dir, children, 'graph.sqlite', {
      args: ['--auth'],
      env: { JOBGRAPH_LOG_LEVEL: 'info' },
    });
    const cliAs = async (token: string, ...args: string[]) => {
      const r = await runCli([...args, '--api', api], { cwd: dir, env: { ...env, ...base, JOBGRAPH_TOKEN: token } });
      if (r.code !== 0) throw new Error(`jobgraph ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };

    const anonymous = await fetch(`${api}/api/v1/workflows`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    const alice = (
      JSON.parse(await cliAs(admin, 'token', 'create', '--user', 'alice', '--expires', '1d', '--json')) as {
        token: string;
      }
    ).token;
    const bob = (JSON.parse(await cliAs(admin, 'token', 'create', '--user', 'bob', '--json')) as { token: string })
      .token;
    const key = (await cliAs(alice, 'workflow', 'create', 'one.yaml')).trim();
    await cliAs(alice, 'workflow', 'start', key);
    await expect(cliAs(bob, 'workflow', 'status', key)).rejects.toThrow(/may not read workflow/);

    const workerToken = (
      JSON.parse(
        await cliAs(admin, 'token', 'create', '--user', 'alice', '--role', 'worker', '--workflow', key, '--json'),
      ) as {
        token: string;
      }
    ).token;
    const worker = spawnCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '1', '--mem', '1g'], {
      cwd: dir,
      env: { ...env, ...base, JOBGRAPH_TOKEN: workerToken },
    });
    children.push(worker);
    const code = await new Promise((r) => worker.once('close', r));
    expect(code, worker.output().stderr).toBe(0);
    const status = JSON.parse(await cliAs(alice, 'workflow', 'status', key, '--json')) as { status: string };
    expect(status.status).toBe('completed');

    const listed = await cliAs(admin, 'token', 'list', '--json');
    expect((JSON.parse(listed) as Array<{ user: string }>).map((t) => t.user).sort()).toEqual([
      'admin',
      'alice',
      'alice',
      'bob',
    ]);
    const logs =
      server.output().stdout + server.output().stderr + worker.output().stdout + worker.output().stderr + listed;
    for (const secret of [admin, alice, bob, workerToken]) expect(logs).not.toContain(secret);
  }, 180_000);
});
