/**
 * One local allocation: its worker processes, each the leader of its own process group so
 * that a stop reaches what the worker started in its group, and how it ended. The cause of
 * an end (canceled, walltime) is decided by whoever stopped it, not by exit codes: a worker
 * that handles SIGTERM exits 0 even when its allocation was canceled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { inheritedEnvironment } from '../../core/config.js';
import { processGroupsEnded } from '../../worker/process-groups-ended.js';
import type { AllocationStatus } from '../provider.js';

/** What to start for one allocation. */
export interface LocalLaunch {
  providerId: string;
  allocation: string;
  workflow: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** stdout and stderr of every worker, appended. */
  outputPath: string;
  /** How many workers (the scheduler's nodes). */
  count: number;
  walltimeS?: number;
  /** SIGTERM → SIGKILL grace. */
  killGraceMs: number;
}

interface Worker {
  child: ChildProcess;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  exited: Promise<void>;
}

/** How long stop() waits for SIGKILLed processes to be gone before it gives up on them. */
const KILLED_WITHIN_MS = 5000;

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
};

export class LocalAllocation {
  private workers: Worker[] = [];
  private cause?: 'canceled' | 'walltime';
  private readonly startedAt = new Date();
  private endedAt?: Date;
  private timer?: NodeJS.Timeout;
  private stopping?: Promise<void>;

  private constructor(readonly launch: LocalLaunch) {}

  /** Start every worker, or none: if one cannot start, those started are killed and the error thrown. */
  static async start(launch: LocalLaunch): Promise<LocalAllocation> {
    const allocation = new LocalAllocation(launch);
    await mkdir(dirname(launch.outputPath), { recursive: true });
    const output = await open(launch.outputPath, 'a');
    try {
      for (let i = 0; i < launch.count; i++) await allocation.startWorker(output.fd);
    } catch (err) {
      await allocation.stop(undefined, 0);
      throw err;
    } finally {
      await output.close();
    }
    if (launch.walltimeS !== undefined) {
      allocation.timer = setTimeout(() => void allocation.stop('walltime'), launch.walltimeS * 1000);
      allocation.timer.unref();
    }
    return allocation;
  }

  private async startWorker(fd: number): Promise<void> {
    const { file, args, cwd, env } = this.launch;
    const child = spawn(file, args, {
      cwd,
      env: { ...inheritedEnvironment(), ...env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const worker: Worker = {
      child,
      exited: new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          worker.exit = { code, signal };
          if (this.live === false) this.ended();
          resolve();
        }),
      ),
    };
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    this.workers.push(worker);
  }

  private ended(): void {
    this.endedAt ??= new Date();
    clearTimeout(this.timer);
  }

  /** Whether a worker is still running. */
  get live(): boolean {
    return this.workers.some((w) => !w.exit);
  }

  /**
   * SIGTERM to every worker's process group, SIGKILL to the groups with a process left after
   * the grace; resolves once every process of those groups has ended, not only the workers
   * (a worker's children can outlive it by a moment). The first cause given is kept.
   */
  stop(cause?: 'canceled' | 'walltime', graceMs = this.launch.killGraceMs): Promise<void> {
    if (this.live) this.cause ??= cause;
    this.stopping ??= (async () => {
      const running = this.workers.filter((w) => !w.exit);
      const groups = running.map((w) => w.child.pid!);
      running.forEach((w) => signalGroup(w.child, 'SIGTERM'));
      const graceEnds = Date.now() + graceMs;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
      const quit = Promise.all(running.map((w) => w.exited)).then(() => processGroupsEnded(groups, graceEnds));
      const allQuit = await Promise.race([quit, grace]);
      clearTimeout(timer);
      if (!allQuit) running.forEach((w) => signalGroup(w.child, 'SIGKILL'));
      await Promise.all(running.map((w) => w.exited));
      // A SIGKILLed group's members die one by one: the leader's exit does not mean theirs.
      await processGroupsEnded(groups, Date.now() + KILLED_WITHIN_MS);
      this.ended();
    })();
    return this.stopping;
  }

  status(): AllocationStatus {
    const { providerId, allocation, walltimeS } = this.launch;
    const status: AllocationStatus = {
      provider_id: providerId,
      allocation,
      state: this.live ? 'running' : 'ended',
      node_names: this.workers.map(() => hostname()),
      started_at: this.startedAt.toISOString(),
      details: { pids: this.workers.map((w) => w.child.pid) },
    };
    if (walltimeS !== undefined) status.ends_at = new Date(this.startedAt.getTime() + walltimeS * 1000).toISOString();
    if (status.state === 'running') return status;
    status.ended_at = (this.endedAt ?? new Date()).toISOString();
    const failed = this.workers.findIndex((w) => w.exit?.code !== 0);
    status.reason = this.cause ?? (failed < 0 ? 'finished' : 'failed');
    if (failed >= 0 && !this.cause) {
      const exit = this.workers[failed]!.exit!;
      status.message = `worker ${failed + 1} of ${this.workers.length} ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}`;
    }
    return status;
  }
}
