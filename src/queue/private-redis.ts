/**
 * A private, throw-away `redis-server` child on a free loopback port, without
 * persistence. Used by `jobgraph run` when REDIS_URL is unset, and by the test setup.
 *
 * It runs in a process group of its own: a terminal's Ctrl-C (or `timeout`) signals the whole
 * foreground group, and a Redis that died with it would leave its owner's clients waiting on
 * it while the owner still has reports to flush. The owner stops it last, with `stop()`; if the
 * owner exits without that (a second Ctrl-C, a deadline), the child is killed as it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { UnavailableError } from '../core/errors.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** The redis-server process. */
  pid: number;
  /**
   * SIGKILL, resolved once it has exited. Idempotent. It persists nothing (no RDB, no AOF), so a
   * graceful shutdown saves nothing, and SIGTERM's waits for redis's next cron tick (up to
   * 100 ms at its default `hz` 10) at the end of every `jobgraph run`.
   */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start redis-server; resolves once it accepts connections.
 * @param options.port a fixed port (e.g. to restart a server where it was); default: a free one
 * @param options.bind listen address (`jobgraph run --slurm --host 0.0.0.0`: workers on other nodes); default loopback
 * @throws UnavailableError when none is installed.
 */
export async function startPrivateRedis(
  binary = 'redis-server',
  options: { port?: number; bind?: string } = {},
): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const bind = options.bind ?? '127.0.0.1';
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      bind,
      // Reachable from other nodes only when asked for (a non-loopback bind); it holds no data worth protecting.
      '--protected-mode',
      bind === '127.0.0.1' ? 'yes' : 'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  // Never outlive the owner: `exit` listeners run on every exit but a SIGKILL.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      child.stdout!.off('data', onOutput);
      reject(
        new UnavailableError(
          `could not start ${binary}: ${why}. Install it (Debian: apt-get install -y redis-server) or set REDIS_URL`,
        ),
      );
    };
    const onError = (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? 'not installed' : err.message);
    const onEarlyExit = (code: number | null) => fail(`exited with code ${code}: ${out.trim().slice(-400)}`);
    const onOutput = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('Ready to accept connections')) return;
      child.stdout!.off('data', onOutput);
      child.off('error', onError);
      child.off('exit', onEarlyExit);
      resolve();
    };
    child.once('error', onError);
    child.once('exit', onEarlyExit);
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
