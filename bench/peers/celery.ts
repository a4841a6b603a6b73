/**
 * Celery with a Redis broker and result backend: a private redis-server (no persistence, as
 * `jobgraph run` starts one) and one `celery worker` with <cores> prefork processes stay up
 * between measurements; python/celery_jobs.py submits a group (independent) or a chain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { inheritedEnvironment } from '../../src/core/config.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/queue/private-redis.js';
import { pythonWith, runTimingScript, SCRIPTS } from './python.js';
import type { Peer } from './peer.js';

let python: string | undefined;
let redis: PrivateRedis | undefined;
let worker: ChildProcess | undefined;

function brokerEnv(): Record<string, string> {
  return { JOBGRAPH_BENCH_BROKER: `${redis!.url}/0` };
}

/** Celery (Redis broker); the broker's and worker's start is not counted. */
export const celery: Peer = {
  name: 'Celery',
  how: 'celery worker --concurrency=<cores> (prefork), Redis broker + backend; group / chain of tasks; worker start not counted',
  async detect() {
    const found = pythonWith('celery');
    // The Redis transport needs redis-py as well.
    if (!found || !pythonWith('redis')) return undefined;
    python = found.python;
    return found.version;
  },
  async start(cores) {
    redis = await startPrivateRedis();
    worker = spawn(
      python!,
      [
        ...['-m', 'celery', '-A', 'celery_tasks', 'worker', '--pool', 'prefork', '--concurrency', String(cores)],
        ...['--without-gossip', '--without-mingle', '--without-heartbeat', '--loglevel', 'WARNING'],
      ],
      { cwd: SCRIPTS, env: { ...inheritedEnvironment(), ...brokerEnv() }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  },
  // celery_jobs.py waits for the worker to answer a ping before it starts the clock.
  independentMs(count) {
    return runTimingScript(python!, 'celery_jobs.py', ['independent', String(count)], brokerEnv());
  },
  chainMs(links) {
    return runTimingScript(python!, 'celery_jobs.py', ['chain', String(links)], brokerEnv());
  },
  async stop() {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      const timer = setTimeout(() => worker!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await redis?.stop();
  },
};
