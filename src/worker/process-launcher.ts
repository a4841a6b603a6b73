/**
 * How job processes are created. `spawn` forks the calling process, and the fork costs
 * time in proportion to its memory: measured here, ~1 ms from a 50 MB Node process but
 * ~27 ms from a 350 MB one — during which the event loop is blocked. A worker (more so
 * one embedded with the API and scheduler in `jobgraph run`) is the large process, so by
 * default jobs are spawned by a small helper process instead (plain Node, no modules
 * loaded), which also keeps the fork off the worker's event loop. The direct launcher
 * remains as the fallback when the helper cannot start.
 *
 * Either way each job runs `/bin/sh -c …` as the leader of its own process group, with
 * stdout/stderr going straight to files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inheritedEnvironment } from '../core/config.js';
import { UnavailableError } from '../core/errors.js';

/** One process to start. */
export interface LaunchRequest {
  file: string;
  args: string[];
  cwd: string;
  /** Added to (and overriding) the worker's inherited environment. */
  env: Record<string, string>;
  /** Created (with their directory) or truncated. */
  stdoutPath: string;
  stderrPath: string;
}

/** How a process ended: exactly one of `code` and `signal` is set. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started process, leader of its own process group. */
export interface LaunchedProcess {
  pid: number;
  exited: Promise<ProcessExit>;
}

export interface ProcessLauncher {
  /** Start a process. @throws when it could not be started (bad cwd, unwritable log file). */
  launch(request: LaunchRequest): Promise<LaunchedProcess>;
  /** Release the launcher; processes already started keep running. */
  close(): Promise<void>;
}

/** Spawns from this process. */
export const directLauncher: ProcessLauncher = {
  async launch(req) {
    await mkdir(dirname(req.stdoutPath), { recursive: true });
    if (dirname(req.stderrPath) !== dirname(req.stdoutPath)) await mkdir(dirname(req.stderrPath), { recursive: true });
    const handles: FileHandle[] = [];
    try {
      handles.push(await open(req.stdoutPath, 'w'), await open(req.stderrPath, 'w'));
      const child = spawn(req.file, req.args, {
        cwd: req.cwd,
        env: { ...inheritedEnvironment(), ...req.env },
        detached: true,
        stdio: ['ignore', handles[0]!.fd, handles[1]!.fd],
      });
      // Listen before any await: a spawn failure is emitted on the next tick.
      const exited = new Promise<ProcessExit>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return { pid: child.pid!, exited };
    } finally {
      await Promise.allSettled(handles.map((h) => h.close()));
    }
  },
  async close() {},
};

/**
 * The helper: CommonJS run with `node -e`, Node built-ins only, so it needs neither the
 * project's loader nor its modules. Messages: `spawn` in; `spawned`, `failed`, `exit` out.
 */
const HELPER_SOURCE = `
process.title = 'jobgraph-spawn-helper';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
process.on('message', (m) => {
  if (!m || m.t !== 'spawn') return;
  let out, err;
  try {
    fs.mkdirSync(path.dirname(m.out), { recursive: true });
    fs.mkdirSync(path.dirname(m.err), { recursive: true });
    out = fs.openSync(m.out, 'w');
    err = fs.openSync(m.err, 'w');
  } catch (e) {
    if (out !== undefined) fs.closeSync(out);
    process.send({ t: 'failed', id: m.id, message: String((e && e.message) || e) });
    return;
  }
  let child;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: Object.assign({}, process.env, m.env), detached: true, stdio: ['ignore', out, err] });
  } catch (e) {
    // spawn throws at once on arguments it refuses (a NUL in argv or env): one bad request
    // must not take down the helper, and with it the exit reports of every running job.
    fs.closeSync(out);
    fs.closeSync(err);
    process.send({ t: 'failed', id: m.id, message: String((e && e.message) || e) });
    return;
  }
  fs.closeSync(out);
  fs.closeSync(err);
  let spawned = false;
  child.on('error', (e) => { if (!spawned) process.send({ t: 'failed', id: m.id, message: e.message }); });
  child.on('spawn', () => { spawned = true; process.send({ t: 'spawned', id: m.id, pid: child.pid }); });
  child.on('exit', (code, signal) => { if (spawned) process.send({ t: 'exit', id: m.id, code, signal }); });
});
// A terminal's Ctrl-C reaches the whole foreground group, this helper included; it must
// outlive the worker's graceful stop to report the terminated jobs' exits.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGQUIT']) process.on(sig, () => {});
process.on('disconnect', () => process.exit(0));
process.send({ t: 'ready' });
`;

type HelperMessage =
  | { t: 'ready' }
  | { t: 'spawned'; id: number; pid: number }
  | { t: 'failed'; id: number; message: string }
  | { t: 'exit'; id: number; code: number | null; signal: NodeJS.Signals | null };

interface Pending {
  launched: (p: LaunchedProcess) => void;
  failed: (err: Error) => void;
  exit: (e: ProcessExit) => void;
  exited: Promise<ProcessExit>;
  started: boolean;
  pid?: number;
}

/** Whether process `pid` still runs; a zombie (ended, not reaped: it is no child of ours) does not. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat !== undefined) return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  try {
    process.kill(pid, 0); // no /proc (not Linux): existence is the best we know
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the group leader `pid` has ended (polled: it is no child of ours). */
async function waitForLeaderExit(pid: number, pollMs = 200): Promise<void> {
  while (await running(pid)) await new Promise((r) => setTimeout(r, pollMs));
}

/**
 * Start the spawn helper; resolves once it is ready.
 * @throws UnavailableError when it does not start.
 */
export async function startSpawnHelper(): Promise<ProcessLauncher & { readonly pid: number | undefined }> {
  const helper: ChildProcess = spawn(process.execPath, ['-e', HELPER_SOURCE], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: inheritedEnvironment(),
  });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let gone: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    helper.once('error', (err) => reject(new UnavailableError(`spawn helper did not start: ${err.message}`)));
    helper.once('exit', (code) => reject(new UnavailableError(`spawn helper exited at start (code ${code})`)));
    helper.once('message', (m: HelperMessage) =>
      m.t === 'ready' ? resolve() : reject(new UnavailableError('spawn helper')),
    );
  });
  helper.removeAllListeners('error');
  helper.removeAllListeners('exit');

  helper.on('message', (m: HelperMessage) => {
    if (m.t === 'ready') return;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === 'spawned') {
      p.started = true;
      p.pid = m.pid;
      p.launched({ pid: m.pid, exited: p.exited });
    } else if (m.t === 'failed') {
      pending.delete(m.id);
      p.failed(new Error(m.message));
    } else {
      pending.delete(m.id);
      p.exit({ code: m.code, signal: m.signal });
    }
  });
  const onGone = (why: string) => {
    gone = new UnavailableError(`spawn helper ${why}`);
    // Processes it started keep running, but their exit status is lost with it: report
    // each once its shell has ended, so its resources stay held until then.
    for (const p of pending.values()) {
      if (p.started && p.pid !== undefined)
        void waitForLeaderExit(p.pid).then(() => p.exit({ code: null, signal: null }));
      else p.failed(gone);
    }
    pending.clear();
  };
  helper.on('exit', (code, signal) => onGone(`exited (code ${code}, signal ${signal})`));
  helper.on('error', (err) => onGone(`failed: ${err.message}`));

  return {
    pid: helper.pid,
    launch(req) {
      if (gone) return Promise.reject(gone);
      const id = ++nextId;
      return new Promise<LaunchedProcess>((launched, failed) => {
        let exit!: (e: ProcessExit) => void;
        const exited = new Promise<ProcessExit>((resolve) => (exit = resolve));
        pending.set(id, { launched, failed, exit, exited, started: false });
        helper.send({
          t: 'spawn',
          id,
          file: req.file,
          args: req.args,
          cwd: req.cwd,
          env: req.env,
          out: req.stdoutPath,
          err: req.stderrPath,
        });
      });
    },
    async close() {
      if (helper.exitCode !== null || helper.signalCode !== null) return;
      const exited = new Promise((resolve) => helper.once('exit', resolve));
      helper.disconnect();
      await exited;
    },
  };
}
