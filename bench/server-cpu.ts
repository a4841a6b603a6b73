/**
 * `npm run bench:server-cpu -- [--jobs N]`: issue 13's "scheduler + API CPU per job ≤ 0.3 ms".
 *
 * The API and the scheduler run in this process, as `jobgraph server` runs them (private
 * redis-server, SQLite file); one worker runs in a process of its own and talks to the API over
 * HTTP (`jobgraph worker start --workflow`, exits once the workflow is finished). N independent
 * `true` jobs. From the start of the workflow to the worker's exit it measures this process's
 * CPU time (process.cpuUsage: every claim, start, completion, unblock and finish check the
 * server does, with its HTTP and JSON) and redis-server's (/proc/PID/stat), each per job. The
 * worker's own CPU is not counted. Figures, not assertions.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServices } from '../src/cli/services.js';
import { inheritedEnvironment, loadConfig } from '../src/core/config.js';
import { silentLogger } from '../src/core/logger.js';
import { packagePath } from '../src/core/package-path.js';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { startWorkflow } from '../src/scheduler/start-workflow.js';
import { parseStat } from '../src/worker/process-tree.js';
import { specToBundle } from '../src/workflow-spec/index.js';
import { independentSpec } from './peers/jobgraph.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '10000' } } });
const JOBS = Number(values.jobs);
/** CPU seconds a process (and its reaped children: redis-server has none here) has used so far. */
const procCpuSeconds = (pid: number) => parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))!.cpu_s;

const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-server-cpu-'));
const redis = await startPrivateRedis();
const prefix = `cpu${Date.now()}`;
const config = loadConfig(
  { JOBGRAPH_DB: join(dir, 'graph.sqlite'), JOBGRAPH_PORT: 0, JOBGRAPH_QUEUE_PREFIX: prefix },
  {},
);
const services = await startServices(config, redis.url, { api: true, scheduler: true }, silentLogger);
let worker: ReturnType<typeof spawn> | undefined;
try {
  const wf = await services.store.createWorkflow(specToBundle(independentSpec(JOBS)));
  const cores = availableParallelism();
  const child = spawn(
    process.execPath,
    [
      packagePath('bin', 'jobgraph.js'),
      'worker',
      'start',
      '--api',
      services.apiUrl!,
      '--workflow',
      wf._key,
      '--cpus',
      String(cores),
      '--mem',
      '4g',
      '--cwd',
      dir,
    ],
    {
      // Warnings and errors only: a log line per job start and end is the worker's cost, and noise here.
      env: {
        ...inheritedEnvironment(),
        REDIS_URL: redis.url,
        JOBGRAPH_QUEUE_PREFIX: prefix,
        JOBGRAPH_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  worker = child;
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const cpu0 = ownCpuSeconds();
  const redis0 = procCpuSeconds(redis.pid);
  const began = process.hrtime.bigint();
  await startWorkflow({ store: services.store, scheduler: services.scheduler! }, wf._key);
  const code = await exited;
  const wallS = Number(process.hrtime.bigint() - began) / 1e9;
  const serverS = ownCpuSeconds() - cpu0;
  const redisS = procCpuSeconds(redis.pid) - redis0;
  const counts = await services.store.statusCounts(wf._key);
  if (code !== 0 || counts.completed !== JOBS)
    throw new Error(`the workflow did not complete (worker exit ${code}): ${JSON.stringify(counts)}`);
  const perJob = (s: number) => `${((1000 * s) / JOBS).toFixed(3)} ms`;
  process.stdout.write(
    [
      `jobgraph server CPU — ${JOBS} independent \`true\` jobs, one worker process over HTTP (--cpus ${cores})`,
      `wall ${wallS.toFixed(1)} s: ${perJob(wallS)} per job`,
      `API + scheduler process CPU ${serverS.toFixed(2)} s: ${perJob(serverS)} per job`,
      `redis-server CPU ${redisS.toFixed(2)} s: ${perJob(redisS)} per job`,
      'target (issue 13): scheduler + API CPU ≤ 0.3 ms per job',
      '',
    ].join('\n'),
  );
} finally {
  // A failed run must not leave the worker polling an API that is gone.
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
  await services.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
