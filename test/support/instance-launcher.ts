/**
 * The tests' stand-in for EC2 booting instances (moto creates instances but runs nothing on
 * them): it polls moto for running instances tagged with a workflow, reads each one's user
 * data (DescribeInstanceAttribute `userData`), and does what cloud-init would do with it —
 * the `export`s, the `cd`, and the worker command line, run as a local process with `--imds`
 * pointed at a fresh metadata server (imds-server.ts) that knows that instance. When the worker
 * exits, the launcher terminates the instance in moto, as the user data's `shutdown -h now`
 * does on EC2 (shutdown behaviour `terminate`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { splitShellWords } from '../../src/provision/shell-words.js';
import type { Ec2Inspector } from './ec2-inspect.js';
import { startImdsServer, type ImdsServer } from './imds-server.js';

/** What the user data asks for, read back from the script. */
export interface BootPlan {
  env: Record<string, string>;
  cwd: string;
  argv: string[];
}

/**
 * Read a jobgraph user data script: its `export NAME=VALUE` lines, its `cd DIR`, its worker
 * line (the one running `worker start`), and that the instance shuts down after it.
 * @throws when the script lacks any of them
 */
export function readBootPlan(script: string): BootPlan {
  const lines = script.split('\n');
  const env: Record<string, string> = {};
  let cwd: string | undefined;
  let argv: string[] | undefined;
  let shutdownAfter = false;
  for (const line of lines) {
    const words = splitShellWords(line) ?? [];
    if (words[0] === 'export' && words[1]?.includes('=')) {
      const eq = words[1].indexOf('=');
      env[words[1].slice(0, eq)] = words[1].slice(eq + 1);
    } else if (words.includes('cd')) {
      cwd = words[words.indexOf('cd') + 1];
    } else if (words.includes('worker') && words[words.indexOf('worker') + 1] === 'start') {
      argv = words;
    } else if (argv && line.trim() === 'shutdown -h now') {
      shutdownAfter = true;
    }
  }
  if (!cwd || !argv || !shutdownAfter)
    throw new Error(`not a jobgraph user data script (cd, worker start, then shutdown):\n${script}`);
  return { env, cwd, argv };
}

/** One "booted" instance. */
export interface BootedInstance {
  instanceId: string;
  allocation?: string;
  zone: string;
  instanceType: string;
  imds: ImdsServer;
  child: ChildProcess;
  /** When the launcher started its worker (ms). */
  bootedAt: number;
  /** The worker's exit code, once it has exited and the instance was terminated. */
  ended: Promise<number | null>;
  /** The worker's output so far (last 20 kB). */
  output(): string;
}

export interface InstanceLauncher {
  /** By instance id. */
  readonly booted: Map<string, BootedInstance>;
  /** Stop polling; SIGKILL workers still running, terminate their instances, stop the metadata servers. */
  stop(): Promise<void>;
}

export interface LauncherOptions {
  ec2: Ec2Inspector;
  workflow: string;
  /** Environment of the workers (the user data's exports are added). */
  env: Record<string, string>;
  /** @default 200 */
  intervalMs?: number;
  /** Told of each worker's end and of launch failures. */
  log?: (message: string) => void;
}

export function startInstanceLauncher(options: LauncherOptions): InstanceLauncher {
  const { ec2, workflow } = options;
  const log = options.log ?? (() => undefined);
  const booted = new Map<string, BootedInstance>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  const boot = async (instance: Awaited<ReturnType<Ec2Inspector['instances']>>[number]) => {
    const instanceId = instance.InstanceId!;
    const plan = readBootPlan(await ec2.userData(instanceId));
    const zone = instance.Placement?.AvailabilityZone ?? 'unknown';
    const instanceType = instance.InstanceType ?? 'unknown';
    const imds = await startImdsServer({
      instanceId,
      instanceType,
      zone,
      lifecycle: instance.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
    });
    const imdsAt = plan.argv.indexOf('--imds');
    if (imdsAt < 0) throw new Error(`the worker line has no --imds: ${plan.argv.join(' ')}`);
    const argv = [...plan.argv.slice(0, imdsAt + 1), imds.url, ...plan.argv.slice(imdsAt + 1)];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: plan.cwd,
      env: { ...process.env, ...options.env, ...plan.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const ended = new Promise<number | null>((resolve) => {
      child.once('close', (code) => {
        log(`worker on ${instanceId} exited ${code}`);
        // What `shutdown -h now` does on EC2 with shutdown behaviour `terminate`.
        void ec2
          .terminate([instanceId])
          .catch((err: unknown) => log(`could not terminate ${instanceId}: ${(err as Error).message}`))
          .then(() => imds.stop())
          .then(() => resolve(code));
      });
    });
    booted.set(instanceId, {
      instanceId,
      allocation: plan.env.JOBGRAPH_ALLOCATION,
      zone,
      instanceType,
      imds,
      child,
      bootedAt: Date.now(),
      ended,
      output: () => output,
    });
  };

  const poll = async () => {
    const running = await ec2.instances([
      { Name: 'tag:jobgraph:workflow', Values: [workflow] },
      { Name: 'instance-state-name', Values: ['running'] },
    ]);
    for (const instance of running) {
      if (stopped || booted.has(instance.InstanceId!)) continue;
      await boot(instance).catch((err: unknown) =>
        log(`could not boot ${instance.InstanceId}: ${(err as Error).message}`),
      );
    }
  };

  const loop = () => {
    if (stopped) return;
    polling = poll()
      .catch((err: unknown) => log(`polling moto failed: ${(err as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.intervalMs ?? 200);
      });
  };
  loop();

  return {
    booted,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      for (const b of booted.values())
        if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
      await Promise.all([...booted.values()].map((b) => b.ended));
    },
  };
}
