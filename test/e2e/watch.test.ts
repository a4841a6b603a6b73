/**
 * `jobgraph workflow submit|watch|events|delete` against a real `jobgraph server`, worker
 * process and redis-server, spawned through bin/jobgraph.js as a user would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunDir, runCli, spawnCli, waitFor } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer, type Child } from './support/test-server.js';

const children = childrenKilledAfterEach();

const closed = (child: Child) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('close', (code) => resolve(code)),
  );

function startWorker(dir: string, api: string, env: Record<string, string>, workflow: string): Child {
  const worker = spawnCli(['worker', 'start', '--api', api, '--workflow', workflow, '--cpus', '2', '--mem', '1g'], {
    cwd: dir,
    env,
  });
  children.push(worker);
  return worker;
}

describe('workflow submit --watch, watch, events, delete', () => {
  it('submit --watch shows progress and each failed job, and exits 1 like run when a job failed', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'mixed.yaml'),
      `name: mixed
jobs:
  - { name: ok_1, command: "true" }
  - { name: ok_2, command: "sleep 1" }
  - { name: bad, command: "exit 3" }
  - { name: after_bad, command: "true", depends_on: [bad], cancel_on_blocking_job_failure: true }
`,
    );
    const { api, env, cli } = await startTestServer(dir, children);
    const submit = spawnCli(['workflow', 'submit', 'mixed.yaml', '--watch', '--interval', '200', '--api', api], {
      cwd: dir,
      env,
    });
    children.push(submit);
    const key = await waitFor(
      () => /^workflow (\S+) \(mixed\) created: 4 jobs$/m.exec(submit.output().stdout)?.[1],
      60_000,
      'the created line',
    );
    startWorker(dir, api, env, key);
    expect(await closed(submit)).toBe(1);
    const out = submit.output().stdout;
    expect(out).toMatch(/^started: 3 ready, 1 blocked$/m);
    expect(out).toMatch(new RegExp(`^failed: job "bad" \\(\\S+\\) attempt 1, return code 3$`, 'm'));
    expect(out).toMatch(/^canceled: job "after_bad" /m);
    // The last progress line separates the final states; the summary names the end.
    expect(out).toMatch(/ 4\/4 \(100%\) \| 0 running, 0 waiting \| 2 completed, 1 failed, 1 canceled \| /);
    expect(out).toMatch(new RegExp(`^workflow ${key} \\(mixed\\): failed in \\d`, 'm'));

    // Watching an ended workflow answers at once, with the same exit status; --json gives the counts.
    const again = await runCli(['workflow', 'watch', key, '--json', '--api', api], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({
      workflow: key,
      status: 'failed',
      total: 4,
      counts: { completed: 2, failed: 1, canceled: 1 },
      exitCode: 1,
    });
    expect(await cli('workflow', 'status', key)).toMatch(/failed/);
  }, 180_000);

  it('watch exits 0 when every job completed; events --follow prints events as they happen; delete removes it', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'two.yaml'),
      `name: two
jobs:
  - { name: first, command: "true" }
  - { name: second, command: "true", depends_on: [first] }
`,
    );
    const { api, env, cli } = await startTestServer(dir, children);
    const key = (await cli('workflow', 'create', 'two.yaml')).trim();
    const follow = spawnCli(['workflow', 'events', key, '--follow', '--interval', '200', '--api', api], {
      cwd: dir,
      env,
    });
    children.push(follow);
    expect(await cli('workflow', 'start', key)).toMatch(/1 ready, 1 blocked/);
    const watch = spawnCli(['workflow', 'watch', key, '--interval', '200', '--api', api], { cwd: dir, env });
    children.push(watch);
    startWorker(dir, api, env, key);
    expect(await closed(watch)).toBe(0);
    expect(watch.output().stdout).toMatch(new RegExp(`^workflow ${key} \\(two\\): completed in `, 'm'));
    expect(watch.output().stdout).not.toMatch(/^failed:/m);

    // The follower saw the workflow start and finish, in that order, each once.
    await waitFor(() => (/ workflow_finished /.test(follow.output().stdout) ? true : undefined), 30_000, 'finish');
    follow.kill('SIGINT');
    expect(await closed(follow)).toBe(0);
    const types = follow
      .output()
      .stdout.trim()
      .split('\n')
      .map((line) => line.split(' ')[1]);
    expect(types.filter((t) => t === 'workflow_started')).toHaveLength(1);
    expect(types.filter((t) => t === 'workflow_finished')).toHaveLength(1);
    expect(types.indexOf('workflow_started')).toBeLessThan(types.indexOf('workflow_finished'));
    // Without --follow: the same events, and --type filters them.
    expect((await cli('workflow', 'events', key)).trim().split('\n')).toHaveLength(types.length);
    const finished = (await cli('workflow', 'events', key, '--type', 'workflow_finished', '--json')).trim().split('\n');
    expect(finished.map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(['completed']);

    expect(await cli('workflow', 'delete', key)).toBe(`deleted ${key}\n`);
    const gone = await runCli(['workflow', 'status', key, '--api', api], { cwd: dir, env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not_found|does not exist/);
  }, 180_000);

  it('refuses --mem without a unit, with a hint', async () => {
    const result = await runCli(['worker', 'start', '--api', 'http://127.0.0.1:9', '--mem', '4096'], {
      cwd: makeRunDir(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/"4096" has no unit; write e\.g\. 4096m or 4096g/);
  });
});
