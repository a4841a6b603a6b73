/**
 * How job processes are created. `spawn` forks the calling process, and the fork costs
 * time in proportion to its memory: measured here, ~1 ms from a 50 MB Node process but
 * ~27 ms from a 350 MB one — during which the event loop is blocked. A worker (more so
 * one embedded with the API and scheduler in `jobgraph run`) is the large process, so by
 * default jobs are spawned by a small helper process instead (spawn-helper.ts: Python's
 * `posix_spawn`, else plain Node), which also keeps the launch off the worker's event loop.
 * The direct launcher remains as the fallback when no helper can start.
 *
 * Either way each job runs `/bin/sh -c …` as the leader of its own process group, with
 * stdout/stderr going straight to files.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inheritedEnvironment } from '../core/config.js';

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
