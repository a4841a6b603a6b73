/**
 * A real moto server (`moto_server`, Python) on a free loopback port: every AWS API, EC2
 * included, in memory. Tests point the AWS SDK at it through the SDK's standard configuration
 * (`env`: region, static test credentials, AWS_ENDPOINT_URL_EC2), exactly as a user would point
 * it at AWS — the adapter has no test-only path.
 *
 * moto is started with instance type and AMI validation on, so it refuses what AWS would
 * refuse there (it accepts anything otherwise).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from '../e2e/support/cli.js';

export interface MotoServer {
  endpoint: string;
  /** AWS_* variables for the SDK (assign to process.env) and for child processes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Start moto_server; resolves once it answers. @throws when moto is not installed or does not come up in time */
export async function startMotoServer(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group, so stop() ends the Python process behind any launcher script.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true', MOTO_ENABLE_AMI_VALIDATION: 'true' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  try {
    await waitFor(
      async () => {
        if (spawnError) {
          throw new Error(`moto_server could not start (${spawnError.message}); run scripts/setup.sh to install it`);
        }
        if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr.trim()}`);
        const up = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.ok,
          () => false,
        );
        return up || undefined;
      },
      options.timeoutMs ?? 30_000,
      `moto_server to answer on ${endpoint}`,
    );
  } catch (err) {
    killGroup(child.pid!, 'SIGKILL');
    throw err;
  }

  return {
    endpoint,
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_EC2: endpoint,
      // Never ask a real metadata service for credentials or a region.
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child.pid!, 'SIGTERM');
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!killed) {
        killGroup(child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
