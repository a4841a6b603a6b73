/**
 * Separate processes as on a cluster: `jobgraph server`, `jobgraph worker start`, and the
 * `jobgraph workflow` client commands, over HTTP and a real redis-server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunDir, processesIn, spawnCli, waitFor } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const children = childrenKilledAfterEach();
const startServer = (dir: string) => startTestServer(dir, children);

describe('server + worker processes', () => {
  it('runs a workflow created and inspected through the CLI client', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'chain.yaml'),
      `name: chain
jobs:
  - { name: one, command: "echo one > one.txt" }
  - { name: two, command: "cat one.txt > two.txt", depends_on: [one] }
`,
    );
    const { api, env, cli } = await startServer(dir);
    const created = JSON.parse(await cli('workflow', 'create', 'chain.yaml', '--json')) as {
      _key: string;
      status: string;
    };
    expect(created.status).toBe('created');
    const key = created._key;
    await cli('workflow', 'start', key);
    const worker = spawnCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '2', '--mem', '1g'], {
      cwd: dir,
      env,
    });
    children.push(worker);
    const code = await new Promise((r) => worker.once('close', r));
    expect(code).toBe(0);

    const status = JSON.parse(await cli('workflow', 'status', key, '--json')) as {
      status: string;
      counts: Record<string, number>;
    };
    expect(status.status).toBe('completed');
    expect(status.counts.completed).toBe(2);
    const jobs = JSON.parse(await cli('workflow', 'jobs', key, '--json')) as Array<{ name: string; status: string }>;
    expect(jobs.map((j) => j.status)).toEqual(['completed', 'completed']);
    const results = JSON.parse(await cli('workflow', 'results', key, '--json')) as Array<{
      return_code: number;
      attempt: number;
    }>;
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.return_code === 0 && r.attempt === 1)).toBe(true);
    const list = JSON.parse(await cli('workflow', 'list', '--json')) as Array<{ _key: string }>;
    expect(list.map((w) => w._key)).toContain(key);
    expect(await cli('workflow', 'status', key)).toMatch(/completed/);
  }, 180_000);

  it('a worker stopped by SIGTERM mid-job terminates the job, reports it interrupted so it runs again, and exits', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'slow.yaml'),
      `name: slow
jobs:
  - { name: sleeper, command: "sleep 60" }
`,
    );
    const { api, env, cli } = await startServer(dir);
    const key = (await cli('workflow', 'create', 'slow.yaml')).trim();
    await cli('workflow', 'start', key);
    const worker = spawnCli(['worker', 'start', '--api', api, '--cpus', '1', '--mem', '1g', '--cwd', dir], {
      cwd: dir,
      env,
    });
    children.push(worker);
    await waitFor(
      async () => {
        const s = JSON.parse(await cli('workflow', 'status', key, '--json')) as { counts: Record<string, number> };
        return s.counts.running === 1 ? true : undefined;
      },
      30_000,
      'the job to run',
    );
    // The sleep runs in the run dir; so does the worker (its cwd).
    expect(processesIn(dir).length).toBeGreaterThanOrEqual(2);

    worker.kill('SIGTERM');
    const code = await new Promise((r) => worker.once('close', r));
    expect(code).toBe(0);
    // The node was taken away, not the job's fault (decision 0008): it waits for the next worker as attempt 2.
    const jobs = JSON.parse(await cli('workflow', 'jobs', key, '--json')) as Array<{ status: string; attempt: number }>;
    expect(jobs[0]).toMatchObject({ attempt: 2 });
    expect(['ready', 'queued']).toContain(jobs[0]!.status);
    const results = JSON.parse(await cli('workflow', 'results', key, '--json')) as Array<{
      status: string;
      return_code: number;
      interrupted?: boolean;
    }>;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'terminated', interrupted: true });
    // Only the server is left in the directory: the job's process tree is gone.
    await waitFor(() => (processesIn(dir).length === 1 ? true : undefined), 5_000, 'job processes to end');
  }, 180_000);
});
