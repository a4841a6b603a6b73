/**
 * `npm run bench:million -- --jobs N`: the issue-13 million-job target, phase by phase.
 *
 * The workflow is a parameterized sweep of N `touch` jobs plus one fan-in job that depends
 * on all of them (`depends_on_regexes`), so N jobs + 1 and N `blocks` edges. It is run the
 * way `jobgraph run` runs a spec, in this one process (private redis-server, SQLite file,
 * API, scheduler, embedded worker):
 *
 * - create: POST /api/v1/workflows with the spec over the in-process API (validation,
 *   parameter expansion, name resolution and the store's insert; the spec itself is small).
 * - start: `startWorkflow` as `jobgraph run` calls it (initialize in the graph: counters,
 *   ready/blocked statuses, `workflow_started`; then poke the scheduler).
 * - first job running: until the first job's command has run on the worker (it touches a
 *   marker file, watched by polling its existence).
 *
 * Per phase it prints wall time, this process's CPU time (user + system), its peak RSS so
 * far (process.resourceUsage().maxRSS: a high-water mark, so the figure after a phase
 * includes every earlier one) and Redis `used_memory`. Figures, not assertions.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startServices } from '../src/cli/services.js';
import { loadConfig } from '../src/core/config.js';
import { silentLogger } from '../src/core/logger.js';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { startWorkflow } from '../src/scheduler/start-workflow.js';
import { startWorker } from '../src/worker/worker.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000000' },
    /** Longest wait for the first job to run after the start, in seconds. */
    'first-timeout': { type: 'string', default: '600' },
  },
});
const JOBS = Number(values.jobs);
const FIRST_TIMEOUT_MS = Number(values['first-timeout']) * 1000;
if (!Number.isInteger(JOBS) || JOBS < 1) throw new Error('--jobs must be a positive integer');

interface Mark {
  wall: bigint;
  cpu: NodeJS.CpuUsage;
}
const mark = (): Mark => ({ wall: process.hrtime.bigint(), cpu: process.cpuUsage() });

async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

const MiB = 1024 * 1024;
const rows: string[] = [];
async function phase<T>(name: string, redis: Redis, run: () => Promise<T>): Promise<T> {
  const before = mark();
  const out = await run();
  const wallMs = Number(process.hrtime.bigint() - before.wall) / 1e6;
  const cpu = process.cpuUsage(before.cpu);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRss = (process.resourceUsage().maxRSS * 1024) / MiB;
  const redisMem = (await redisUsedMemory(redis)) / MiB;
  const row =
    `${name.padEnd(20)} ${(wallMs / 1000).toFixed(2).padStart(8)} ${(cpuMs / 1000).toFixed(2).padStart(8)}` +
    ` ${peakRss.toFixed(0).padStart(10)} ${redisMem.toFixed(1).padStart(10)}`;
  rows.push(row);
  process.stderr.write(`${row}\n`);
  return out;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-million-'));
const marker = join(dir, 'first-running');
const spec = {
  name: 'bench-million',
  jobs: [
    { name: 'sweep{i}', command: `touch ${marker}`, parameters: { i: `1:${JOBS}` } },
    { name: 'fan-in', command: 'true', depends_on_regexes: ['^sweep\\d+$'] },
  ],
};

const privateRedis = await startPrivateRedis();
const redis = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
const config = loadConfig(
  {
    JOBGRAPH_DB: join(dir, 'graph.sqlite'),
    JOBGRAPH_PORT: 0,
    JOBGRAPH_QUEUE_PREFIX: `million${Date.now()}`,
    // The sweep plus its fan-in job: one over the default cap at 1,000,000.
    JOBGRAPH_MAX_JOBS: JOBS + 1,
  },
  {},
);
const services = await startServices(config, privateRedis.url, { api: true, scheduler: true }, silentLogger);
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
try {
  const total = mark();
  process.stderr.write(`\njobgraph million bench — ${JOBS} jobs + 1 fan-in (${JOBS} blocks edges)\n`);
  process.stderr.write('phase                  wall s    cpu s  peak RSS MiB  redis MiB\n');
  const wf = await phase('create (POST)', redis, async () => {
    const res = await services.apiFetch!(`${services.apiUrl}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(spec),
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    return (await res.json()) as { _key: string };
  });
  const outcome = await phase('start', redis, () =>
    startWorkflow({ store: services.store, scheduler: services.scheduler! }, wf._key),
  );
  await phase('first job running', redis, async () => {
    worker = await startWorker({
      apiUrl: services.apiUrl!,
      apiFetch: services.apiFetch,
      inProcessApi: services.workerApi,
      notifier: services.notifier,
      num_cpus: 1,
      memory_bytes: 4 * 1024 ** 3,
      num_gpus: 0,
      workflow: wf._key,
      cwd: dir,
      logger: silentLogger,
    });
    await waitFor(() => existsSync(marker), FIRST_TIMEOUT_MS, 'the first job to run');
  });
  const wallS = Number(process.hrtime.bigint() - total.wall) / 1e9;
  const cpu = process.cpuUsage(total.cpu);
  console.log(`\njobgraph million bench — ${JOBS} jobs + 1 fan-in, ready ${outcome.ready}, blocked ${outcome.blocked}`);
  console.log('phase                  wall s    cpu s  peak RSS MiB  redis MiB');
  for (const row of rows) console.log(row);
  console.log(
    `${'total'.padEnd(20)} ${wallS.toFixed(2).padStart(8)} ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(8)}`,
  );
  console.log('target (1M jobs): create + start + first job running ≤ 60 s; peak RSS ≤ 2048 MiB');
} finally {
  await worker?.stop('bench over');
  await services.stop();
  redis.disconnect();
  await privateRedis.stop();
  rmSync(dir, { recursive: true, force: true });
}
