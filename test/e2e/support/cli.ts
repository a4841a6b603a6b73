/**
 * Spawn the real `jobgraph` CLI (bin/jobgraph.js) as a child process, as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPO, 'bin/jobgraph.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /**
   * Lead a process group of its own, as a command started from a shell does: a test can then
   * signal the whole group (`process.kill(-pid, …)`), as a terminal's Ctrl-C or timeout(1) do.
   */
  detached?: boolean;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, JOBGRAPH_LOG_LEVEL: 'warn', ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

/**
 * Start the CLI (or, with `command`, another program such as a terminal wrapper around it);
 * `output()` gives what it has printed so far.
 */
export function spawnCli(
  args: string[],
  options: CliOptions,
  command: string[] = [process.execPath, BIN],
): ChildProcess & { output(): { stdout: string; stderr: string } } {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

/** Run the CLI (or `command`, see spawnCli) to its end. */
export function runCli(args: string[], options: CliOptions, command?: string[]): Promise<CliResult> {
  const child = spawnCli(args, options, command);
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, ...child.output() }));
  });
}

/** A fresh directory holding a copy of examples/, where a test runs its workflow. */
export function makeRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-e2e-'));
  cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
  return dir;
}

/** PIDs of live processes whose working directory is `dir` (jobs, redis, anything a run left behind). */
export function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** The command names (`comm`, at most 15 characters) of the live processes whose working directory is `dir`. */
export function commandsIn(dir: string): string[] {
  return processesIn(dir).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/comm`, 'utf8').trim()];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** Poll `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
