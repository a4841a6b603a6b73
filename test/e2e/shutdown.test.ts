/**
 * Stopping never hangs (issue 16): real `jobgraph` processes get SIGTERM or SIGINT while what
 * they depend on is gone, and each exits within its shutdown deadline, with an exit code that
 * says how it ended, leaving no process behind (checked in /proc by working directory).
 *
 * The deadlines are made short here (JOBGRAPH_SHUTDOWN_MS 3 s, JOBGRAPH_TERMINATE_GRACE_MS
 * 2 s); each test records the measured time from the signal to the exit as an annotation.
 */
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../src/queue/private-redis.js';
import { commandsIn, makeRunDir, processesIn, spawnCli, waitFor } from './support/cli.js';
import { killHard, openProcessStack, type Child, type ProcessStack } from './support/process-stack.js';

const SHUTDOWN_MS = 3000;
const GRACE_MS = 2000;
const SHUTDOWN = { JOBGRAPH_SHUTDOWN_MS: String(SHUTDOWN_MS), JOBGRAPH_TERMINATE_GRACE_MS: String(GRACE_MS) };
/** What a loaded 2-core machine may add to a deadline before the parent sees the exit. */
const SLACK_MS = 2000;

let stack: ProcessStack | undefined;
let redis: PrivateRedis | undefined;
const dirs: string[] = [];
const children: Child[] = [];
afterEach(async () => {
  await stack?.cleanup();
  stack = undefined;
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
  redis = undefined;
  // A test that failed may have left jobs behind (they lead process groups of their own).
  for (const dir of dirs.splice(0))
    for (const pid of processesIn(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
});

/** Send a signal with `send` and wait for the exit: its code, and milliseconds from the signal. */
async function timeExit(child: Child, send: () => void): Promise<{ code: number | null; ms: number }> {
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const sent = performance.now();
  send();
  const code = await closed;
  return { code, ms: Math.round(performance.now() - sent) };
}

/** Nothing is left running in `dir`: no job, no redis-server, no spawn helper, no jobgraph process. */
async function nothingLeftIn(dir: string): Promise<void> {
  // The tsx loader's esbuild service ends a moment after its parent.
  await waitFor(() => (processesIn(dir).length === 0 ? true : undefined), 5000, `no process left in ${dir}`).catch(() =>
    expect(commandsIn(dir)).toEqual([]),
  );
}

/** `jobgraph run` of `yaml` with a private Redis, leading a process group (as from a shell). */
function startRun(yaml: string, args: string[], env: Record<string, string>): { dir: string; run: Child } {
  const dir = makeRunDir();
  dirs.push(dir);
  writeFileSync(join(dir, 'spec.yaml'), yaml);
  const run = spawnCli(['run', 'spec.yaml', '--json', ...args], {
    cwd: dir,
    env: { REDIS_URL: undefined, ...env },
    detached: true,
  });
  children.push(run);
  return { dir, run };
}

describe('stopping never hangs', { timeout: 120_000 }, () => {
  it('SIGTERM to a server whose Redis was just killed: exits 0 within JOBGRAPH_SHUTDOWN_MS', async ({ annotate }) => {
    redis = await startPrivateRedis();
    stack = await openProcessStack(redis.url, SHUTDOWN);
    dirs.push(stack.dir);
    const server = await stack.startServer();
    // Work in the queues, so the scheduler and its connections have something to do.
    const wf = await stack.createAndStart(`name: waiting
jobs:
  - { name: 'j_{i}', command: 'true', parameters: { i: '1:20' } }
`);
    await waitFor(
      async () => ((await stack!.jobs(wf)).every((j) => j.status === 'queued') ? true : undefined),
      30_000,
      'the jobs to be queued',
    );

    process.kill(redis.pid, 'SIGKILL');
    await redis.stop(); // resolves once it is gone
    expect(server.exitCode).toBeNull();
    const { code, ms } = await timeExit(server, () => server.kill('SIGTERM'));
    await annotate(`server: SIGTERM to exit ${ms} ms (deadline ${SHUTDOWN_MS} ms), exit code ${code}`);

    expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
    expect(server.output().stderr).not.toMatch(/did not end/);
    // Nothing of the graph lives in Redis: a server that closed everything else stopped cleanly.
    expect(code).toBe(0);
    await nothingLeftIn(stack.dir);
  });

  it('SIGTERM to `run` mid-workflow, as timeout(1) sends it to the whole group: exits 1 with its report, no child left', async ({
    annotate,
  }) => {
    const { dir, run } = startRun(
      `name: slow
resource_requirements:
  - { name: small, num_cpus: 1, memory: 100m }
jobs:
  - { name: 'sleeper_{i}', command: 'sleep 60', resource_requirements: small, parameters: { i: '1:2' } }
  - { name: after, command: 'true', depends_on: [sleeper_1], resource_requirements: small }
`,
      ['--cpus', '2', '--mem', '1g'],
      SHUTDOWN,
    );
    await waitFor(
      () => (commandsIn(dir).filter((c) => c === 'sleep').length === 2 ? true : undefined),
      60_000,
      'both jobs to run',
    );
    // What must be gone afterwards: the private Redis, the spawn helper, the jobs.
    expect(commandsIn(dir)).toEqual(expect.arrayContaining(['redis-server', 'jobgraph-spawn-', 'sleep']));

    const { code, ms } = await timeExit(run, () => process.kill(-run.pid!, 'SIGTERM'));
    await annotate(`run: SIGTERM to exit ${ms} ms (deadline ${SHUTDOWN_MS + GRACE_MS} ms), exit code ${code}`);

    expect(ms).toBeLessThan(SHUTDOWN_MS + GRACE_MS + SLACK_MS);
    expect(code).toBe(1);
    const { stdout, stderr } = run.output();
    expect(stderr).toMatch(/^jobgraph run: SIGTERM: stopping/m);
    expect(stderr).not.toMatch(/did not end|ECONNREFUSED/);
    const report = JSON.parse(stdout) as { jobs: Array<{ name: string; status: string }> };
    expect(report.jobs.filter((j) => j.name.startsWith('sleeper')).map((j) => j.status)).toEqual([
      'terminated',
      'terminated',
    ]);
    expect(report.jobs.find((j) => j.name === 'after')?.status).not.toBe('completed');
    await nothingLeftIn(dir);
  });

  it('SIGTERM to a worker whose API is down: exits within the deadline, 1, saying its completion was not delivered', async ({
    annotate,
  }) => {
    stack = await openProcessStack(inject('redisUrl'), SHUTDOWN);
    const server = await stack.startServer();
    const wf = await stack.createAndStart(`name: slow
jobs:
  - { name: sleeper, command: 'sleep 60' }
`);
    const worker = stack.startWorker();
    await waitFor(() => (commandsIn(stack!.dir).includes('sleep') ? true : undefined), 60_000, 'the job to run');
    expect((await stack.jobs(wf))[0]!.status).toBe('running');

    await killHard(server);
    const { code, ms } = await timeExit(worker, () => worker.kill('SIGTERM'));
    await annotate(
      `worker, API down: SIGTERM to exit ${ms} ms (deadline ${SHUTDOWN_MS + GRACE_MS} ms), exit code ${code}`,
    );

    expect(ms).toBeLessThan(SHUTDOWN_MS + GRACE_MS + SLACK_MS);
    expect(code).toBe(1);
    expect(worker.output().stderr).toMatch(/^jobgraph worker: 1 completion could not be delivered to the API/m);
    expect(worker.output().stderr).not.toMatch(/did not end/);
    await nothingLeftIn(stack.dir);
  });

  it('SIGTERM to an idle worker whose API is down: nothing to deliver, exits 0 at once', async ({ annotate }) => {
    stack = await openProcessStack(inject('redisUrl'), SHUTDOWN);
    const server = await stack.startServer();
    const worker = stack.startWorker();
    // Started: registered, and beating (the beat is the last step of a worker's start).
    const redisClient = new Redis(inject('redisUrl'));
    try {
      const beats = `${stack.env.JOBGRAPH_QUEUE_PREFIX}:jobgraph:worker:*`;
      await waitFor(
        async () => ((await redisClient.keys(beats)).length === 1 ? true : undefined),
        60_000,
        'the worker',
      );
    } finally {
      redisClient.disconnect();
    }

    await killHard(server);
    const { code, ms } = await timeExit(worker, () => worker.kill('SIGTERM'));
    await annotate(`idle worker, API down: SIGTERM to exit ${ms} ms, exit code ${code}`);

    expect(code).toBe(0);
    expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
    await nothingLeftIn(stack.dir);
  });

  it('SIGINT twice to `run` (Ctrl-C twice): the second exits at once, 130, killing the job that ignored SIGTERM', async ({
    annotate,
  }) => {
    const { dir, run } = startRun(
      `name: stubborn
jobs:
  - { name: stubborn, command: "trap '' TERM; echo started; sleep 60" }
`,
      ['--cpus', '1', '--mem', '1g'],
      // The graceful stop would wait a minute for the job: only the second Ctrl-C ends it sooner.
      { JOBGRAPH_SHUTDOWN_MS: String(SHUTDOWN_MS), JOBGRAPH_TERMINATE_GRACE_MS: '60000' },
    );
    await waitFor(() => (commandsIn(dir).includes('sleep') ? true : undefined), 60_000, 'the job to run');

    const first = performance.now();
    process.kill(-run.pid!, 'SIGINT');
    await waitFor(() => (/SIGINT: stopping/.test(run.output().stderr) ? true : undefined), 10_000, 'the first Ctrl-C');
    expect(run.exitCode).toBeNull();
    expect(commandsIn(dir)).toEqual(expect.arrayContaining(['redis-server', 'sleep']));

    const { code, ms } = await timeExit(run, () => process.kill(-run.pid!, 'SIGINT'));
    const total = Math.round(performance.now() - first);
    await annotate(`run, Ctrl-C twice: second SIGINT to exit ${ms} ms (first to exit ${total} ms), exit code ${code}`);

    expect(ms).toBeLessThan(SLACK_MS);
    expect(code).toBe(130);
    expect(run.output().stderr).toMatch(/^jobgraph run: second SIGINT.*: exiting at once \(130\)$/m);
    await nothingLeftIn(dir);
  });
});
