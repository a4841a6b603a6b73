/**
 * Cancellation with real processes: `jobgraph server`, two `jobgraph worker start`
 * processes, real `sleep` jobs, a real redis-server. Prints how long it took from the
 * cancel call until every running job was reported.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { makeRunDir, spawnCli, waitFor } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

/** PIDs of live `sleep` processes (or shells running one) whose working directory is `dir`. */
function sleepsIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => /^sleep\b/.test(arg) || arg.endsWith('/sleep'))) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

const children = childrenKilledAfterEach();

async function startServer(dir: string) {
  const { api, env, cli } = await startTestServer(dir, children);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are what the assertions check
  const get = async (path: string): Promise<any> => (await fetch(`${api}/api/v1${path}`)).json();
  return { api, env, cli, get };
}

function startWorker(api: string, env: Record<string, string>, dir: string, key: string, cpus: number) {
  const worker = spawnCli(
    ['worker', 'start', '--api', api, '--workflow', key, '--cpus', String(cpus), '--mem', '1g', '--cwd', dir],
    { cwd: dir, env },
  );
  children.push(worker);
  const exited = new Promise<number | null>((r) => worker.once('close', (code) => r(code)));
  return { worker, exited };
}

/** Resolve `p`, or fail after `ms` naming `what`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('cancellation across worker processes', () => {
  it('workflow cancel: queued jobs leave, running ones are terminated on both workers, workers exit 0', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'sleeps.yaml'),
      `name: sleeps
resource_requirements:
  - { name: one, num_cpus: 1, memory: 100m, runtime: PT5M }
jobs:
${[1, 2, 3, 4, 5, 6].map((i) => `  - { name: s${i}, command: "sleep 30", resource_requirements: one }`).join('\n')}
`,
    );
    const { api, env, cli, get } = await startServer(dir);
    const key = (await cli('workflow', 'create', 'sleeps.yaml')).trim();
    await cli('workflow', 'start', key);
    const w1 = startWorker(api, env, dir, key, 1);
    const w2 = startWorker(api, env, dir, key, 1);
    await waitFor(
      async () => ((await get(`/workflows/${key}/status`)).counts.running === 2 ? true : undefined),
      60_000,
      'both workers to run a job',
    );
    await waitFor(() => (sleepsIn(dir).length >= 2 ? true : undefined), 10_000, 'the sleeps to start');

    const t0 = performance.now();
    const out = JSON.parse(await cli('workflow', 'cancel', key, '--json')) as {
      canceled: string[];
      running: unknown[];
      queued: unknown[];
    };
    const cliMs = performance.now() - t0;
    expect(out.canceled).toHaveLength(6);
    expect(out.running).toHaveLength(2);
    expect(out.queued).toHaveLength(4);

    // Every running attempt reported (recorded as canceled).
    let reportedMs: number;
    for (const deadline = Date.now() + 30_000; ;) {
      const results = (await get(`/workflows/${key}/results`)).items as unknown[];
      if (results.length >= 2) {
        reportedMs = performance.now() - t0;
        break;
      }
      if (Date.now() > deadline) throw new Error('running jobs were not reported within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const codes = await within(Promise.all([w1.exited, w2.exited]), 30_000, 'workers to exit');
    const exitedMs = performance.now() - t0;
    console.log(
      `[cancel e2e] workflow cancel: CLI call ${cliMs.toFixed(0)} ms (incl. node start-up); ` +
        `all running jobs reported ${reportedMs.toFixed(0)} ms after the call; both workers exited after ${exitedMs.toFixed(0)} ms`,
    );
    // Generous bound: "within seconds".
    expect(reportedMs).toBeLessThan(15_000);
    expect(codes).toEqual([0, 0]);

    const status = await get(`/workflows/${key}/status`);
    expect(status).toMatchObject({ status: 'canceled', counts: { canceled: 6 } });
    const results = (await get(`/workflows/${key}/results`)).items as Array<{
      status: string;
      compute_node: string;
      attempt: number;
    }>;
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.status === 'canceled' && r.attempt === 1)).toBe(true);
    expect(new Set(results.map((r) => r.compute_node)).size).toBe(2);
    await waitFor(() => (sleepsIn(dir).length === 0 ? true : undefined), 5_000, 'the sleeps to be gone');
    const events = (await get(`/workflows/${key}/events?type=workflow_canceled`)).items as Array<{ timestamp: string }>;
    expect(events).toHaveLength(1);
    // Server-side latency, free of the CLI's start-up: from the cancel's event to the last
    // attempt's end as the workers measured it (same machine, same clock).
    const ended = Math.max(
      ...((await get(`/workflows/${key}/results`)).items as Array<{ completion_time: string }>).map((r) =>
        Date.parse(r.completion_time),
      ),
    );
    const reports = (await get(`/workflows/${key}/events?type=canceled_attempt_reported`)).items as Array<{
      timestamp: string;
    }>;
    expect(reports).toHaveLength(2);
    const recorded = Math.max(...reports.map((e) => Date.parse(e.timestamp)));
    const canceledAt = Date.parse(events[0]!.timestamp);
    console.log(
      `[cancel e2e] workflow cancel (server clock): last running job ended ${ended - canceledAt} ms and its report ` +
        `was recorded ${recorded - canceledAt} ms after the workflow_canceled event`,
    );
  }, 180_000);

  it('job cancel: terminates the job, cancels dependents that cancel on failure, runs the others', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'deps.yaml'),
      `name: deps
jobs:
  - { name: long, command: "sleep 30" }
  - { name: stop, command: "echo stop > stop.txt", depends_on: [long], cancel_on_blocking_job_failure: true }
  - { name: stop2, command: "echo stop2 > stop2.txt", depends_on: [stop], cancel_on_blocking_job_failure: true }
  - { name: go, command: "echo go > go.txt", depends_on: [long], cancel_on_blocking_job_failure: false }
`,
    );
    const { api, env, cli, get } = await startServer(dir);
    const key = (await cli('workflow', 'create', 'deps.yaml')).trim();
    await cli('workflow', 'start', key);
    const { exited } = startWorker(api, env, dir, key, 2);
    await waitFor(
      async () => ((await get(`/workflows/${key}/status`)).counts.running === 1 ? true : undefined),
      60_000,
      'the long job to run',
    );
    const jobs = (await get(`/workflows/${key}/jobs`)).items as Array<{ _key: string; name: string }>;
    const keyOf = (name: string) => jobs.find((j) => j.name === name)!._key;

    const t0 = performance.now();
    const printed = await cli('job', 'cancel', key, keyOf('long'));
    expect(printed).toMatch(/terminated while running/);
    expect(printed).toMatch(/dependents canceled/);
    expect(await within(exited, 60_000, 'the worker to exit')).toBe(0);
    console.log(
      `[cancel e2e] job cancel: worker finished the workflow ${(performance.now() - t0).toFixed(0)} ms after the call`,
    );

    const after = (await get(`/workflows/${key}/jobs`)).items as Array<{ name: string; status: string }>;
    expect(Object.fromEntries(after.map((j) => [j.name, j.status]))).toEqual({
      long: 'canceled',
      stop: 'canceled',
      stop2: 'canceled',
      go: 'completed',
    });
    expect(existsSync(join(dir, 'go.txt'))).toBe(true);
    expect(existsSync(join(dir, 'stop.txt'))).toBe(false);
    const results = (await get(`/workflows/${key}/results`)).items as Array<{ job: string; status: string }>;
    expect(results.map((r) => [r.job, r.status]).sort()).toEqual(
      [
        [keyOf('long'), 'canceled'],
        [keyOf('go'), 'completed'],
      ].sort(),
    );
    // A canceled job counts as a failure for the workflow's final status.
    expect((await get(`/workflows/${key}/status`)).status).toBe('failed');
    const [event] = (await get(`/workflows/${key}/events?type=job_canceled`)).items as Array<Record<string, unknown>>;
    expect(event).toMatchObject({
      job: keyOf('long'),
      was_running: true,
      dependents_canceled: [keyOf('stop'), keyOf('stop2')],
    });
    expect(sleepsIn(dir)).toEqual([]);
  }, 180_000);
});
