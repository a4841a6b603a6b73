/**
 * The black-box fault run of issue 9: a 300-job workflow with a fan-out, chains and fan-ins runs
 * on real processes (API, scheduler, two workers, redis-server with an append-only file) while
 * each of them is killed with SIGKILL in turn, mid-workflow: a worker, the scheduler, the API,
 * redis-server restarted from its append-only file, and redis-server restarted empty. The
 * workflow completes; every job completed exactly once, apart from attempts recorded lost; no
 * attempt has two results. The time from each kill to the next completed job is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobDoc } from '../../src/core/model.js';
import { waitFor } from './support/cli.js';
import {
  attemptsByJob,
  exited,
  freePort,
  killHard,
  openProcessStack,
  type Child,
  type ProcessStack,
} from './support/process-stack.js';

const FANOUT = 100;
const GROUPS = 10;
const TAIL = 88;
/** root, 100 parts, 100 chained checks, 10 group fan-ins, 88 tail jobs and a final fan-in. */
const TOTAL = 1 + FANOUT + FANOUT + GROUPS + TAIL + 1;

function faultWorkflow(): string {
  const cmd = `'sleep 0.05; echo $JOBGRAPH_JOB_NAME.$JOBGRAPH_ATTEMPT >> ran.log'`;
  const lines = ['name: faults', 'jobs:', `  - { name: root, command: ${cmd} }`];
  for (let i = 0; i < FANOUT; i++) lines.push(`  - { name: p${i}, command: ${cmd}, depends_on: [root] }`);
  for (let i = 0; i < FANOUT; i++) lines.push(`  - { name: c${i}, command: ${cmd}, depends_on: [p${i}] }`);
  const per = FANOUT / GROUPS;
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: per }, (_, k) => `c${g * per + k}`).join(', ');
    lines.push(`  - { name: g${g}, command: ${cmd}, depends_on: [${members}] }`);
  }
  for (let i = 0; i < TAIL; i++) lines.push(`  - { name: t${i}, command: ${cmd}, depends_on: [g${i % GROUPS}] }`);
  const groups = Array.from({ length: GROUPS }, (_, g) => `g${g}`).join(', ');
  lines.push(`  - { name: final, command: ${cmd}, depends_on: [${groups}] }`);
  return `${lines.join('\n')}\n`;
}

/** A redis-server that keeps its data in an append-only file under `dir` (fsync on every write). */
class AofRedis {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.child = spawn(
      'redis-server',
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'],
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens
    try {
      await waitFor(
        async () => {
          try {
            if (probe.status !== 'ready') await probe.connect();
            return (await probe.ping()) === 'PONG' ? true : undefined;
          } catch {
            probe.disconnect();
            return undefined;
          }
        },
        20_000,
        'redis-server',
      );
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL; `forget` also removes what it had written (a restart without persistence). */
  async kill(forget = false): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    if (forget) rmSync(this.dir, { recursive: true, force: true });
  }
}

let stack: ProcessStack | undefined;
let redis: AofRedis | undefined;
afterEach(async () => {
  await stack?.cleanup();
  stack = undefined;
  await redis?.kill(true);
  redis = undefined;
});

async function completed(s: ProcessStack, wf: string): Promise<JobDoc[]> {
  return (await s.jobs(wf)).filter((j) => j.status === 'completed');
}

describe('fault run', () => {
  it('a 300-job workflow completes through SIGKILLs of a worker, the scheduler, the API and redis-server (with and without its data)', async () => {
    redis = new AofRedis(await freePort(), join(tmpdir(), `jg-aof-${process.pid}-${Date.now()}`));
    await redis.start();
    stack = await openProcessStack(redis.url);
    const s = stack;
    let api = await s.startApi();
    let scheduler = s.startScheduler();
    const wf = await s.createAndStart(faultWorkflow());
    const workerA = s.startWorker(['--workflow', wf]);
    const workerB = s.startWorker(['--workflow', wf]);
    const survivors: Child[] = [workerB];
    const recovery: Record<string, number> = {};

    /** Wait until `count` jobs completed, do `kill`, and time the next completion after it. */
    const at = async (count: number, what: string, kill: () => Promise<void>) => {
      await waitFor(async () => ((await completed(s, wf)).length >= count ? true : undefined), 120_000, what);
      const before = (await completed(s, wf)).length;
      const killedAt = Date.now();
      await kill();
      if (before >= TOTAL) return;
      await waitFor(
        async () => ((await completed(s, wf)).length > before ? true : undefined),
        120_000,
        `progress after ${what}`,
      );
      recovery[what] = Date.now() - killedAt;
    };

    await at(20, 'worker', async () => {
      await killHard(workerA);
      survivors.push(s.startWorker(['--workflow', wf]));
    });
    await at(70, 'scheduler', async () => {
      await killHard(scheduler);
      scheduler = s.startScheduler();
    });
    await at(120, 'api', async () => {
      await killHard(api);
      api = await s.startApi();
    });
    await at(170, 'redis (restarted from its file)', async () => {
      await redis!.kill();
      await redis!.start();
    });
    await at(220, 'redis (restarted empty)', async () => {
      await redis!.kill(true);
      await redis!.start();
    });

    // The workers bound to the workflow exit 0 once it is complete.
    for (const w of survivors) expect(await exited(w)).toBe(0);
    expect(await s.cli('workflow', 'status', wf)).toMatch(/completed/);
    const jobs = await s.jobs(wf);
    expect(jobs).toHaveLength(TOTAL);
    expect(jobs.filter((j) => j.status !== 'completed').map((j) => j.name)).toEqual([]);

    const results = await s.results(wf);
    // One result per attempt (the result key is job + attempt; checked here from the outside too).
    for (const attempts of attemptsByJob(results).values()) expect(new Set(attempts).size).toBe(attempts.length);
    // Exactly one completed result per job, at the job's last attempt; every other attempt recorded lost or interrupted.
    const names = new Map(jobs.map((j) => [j._key, j.name]));
    const done = results.filter((r) => r.status === 'completed');
    expect(done).toHaveLength(TOTAL);
    expect(new Set(done.map((r) => r.job)).size).toBe(TOTAL);
    const others = results.filter((r) => r.status !== 'completed');
    expect(others.filter((r) => r.lost !== true && r.interrupted !== true)).toEqual([]);
    // Each completed attempt ran once; no attempt ran twice. A lost attempt may have run (its
    // worker died after starting it), which is why it was run again.
    const ran = readFileSync(join(s.dir, 'ran.log'), 'utf8').trim().split('\n');
    expect(ran.length - new Set(ran).size).toBe(0);
    for (const r of done) expect(ran).toContain(`${names.get(r.job)}.${r.attempt}`);
    const lostOrInterrupted = new Set(others.map((r) => `${names.get(r.job)}.${r.attempt}`));
    const completedLines = new Set(done.map((r) => `${names.get(r.job)}.${r.attempt}`));
    expect(ran.filter((l) => !completedLines.has(l) && !lostOrInterrupted.has(l))).toEqual([]);

    console.log(
      `[fault-kills] ${TOTAL} jobs, ${results.length} results (${others.length} lost or interrupted); ` +
        `ms from each kill to the next completion: ${JSON.stringify(recovery)}`,
    );
  }, 600_000);
});
