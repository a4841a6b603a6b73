/**
 * The spawn helper: a small long-lived process that starts the worker's job processes and
 * reports their exits, so that no launch forks the (large) worker process or blocks its event
 * loop (process-launcher.ts). Two implementations speak the same protocol, one JSON object per
 * line over the helper's stdin and stdout: `spawn` in; `ready`, `spawned`, `failed`, `exit`
 * out. The Python one (spawn-helper-python.ts) launches with `posix_spawn` and is preferred;
 * the Node one (spawn-helper-node.ts) is the fallback where no Python ≥ 3.8 starts, and
 * `JOBGRAPH_SPAWN_HELPER` picks one (decision 0018).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { inheritedEnvironment } from '../core/config.js';
import { UnavailableError } from '../core/errors.js';
import type { LaunchedProcess, LaunchRequest, ProcessExit, ProcessLauncher } from './process-launcher.js';
import { helperPythons } from './helper-python.js';
import { ENDED_STATES } from './process-groups-ended.js';
import { parseStat } from './process-tree.js';
import { NODE_HELPER_SOURCE } from './spawn-helper-node.js';
import { PYTHON_HELPER_SOURCE } from './spawn-helper-python.js';

export type SpawnHelperKind = 'python' | 'node';
/** `auto`: Python, else Node. */
export type SpawnHelperPreference = 'auto' | SpawnHelperKind;

export interface SpawnHelperOptions {
  /** @default 'auto' */
  prefer?: SpawnHelperPreference;
  /** The Python interpreter. @default the first program named `python3` on PATH, then `python3` (helper-python.ts) */
  python?: string;
  /** How long a helper may take to say it is ready before the next kind is tried. @default 10000 */
  startTimeoutMs?: number;
}

/** A running helper. */
export interface SpawnHelper extends ProcessLauncher {
  readonly kind: SpawnHelperKind;
  readonly pid: number | undefined;
}

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
  /** Set once the helper said `spawned`. */
  pid?: number;
}

/**
 * Start a spawn helper: the preferred kind, else (with `auto`) the next; resolves once it is ready.
 * @throws UnavailableError naming why each kind tried did not start
 */
export async function startSpawnHelper(options: SpawnHelperOptions = {}): Promise<SpawnHelper> {
  const prefer = options.prefer ?? 'auto';
  const kinds: SpawnHelperKind[] = prefer === 'auto' ? ['python', 'node'] : [prefer];
  const why: string[] = [];
  const tries = kinds.flatMap((kind): Array<[SpawnHelperKind, string, string[]]> =>
    kind === 'python'
      ? (options.python ? [options.python] : helperPythons(inheritedEnvironment().PATH ?? '')).map((python) => [
          kind,
          python,
          ['-I', '-S', '-c', PYTHON_HELPER_SOURCE],
        ])
      : [[kind, process.execPath, ['-e', NODE_HELPER_SOURCE]]],
  );
  for (const [kind, command, args] of tries) {
    try {
      return await startHelper(kind, command, args, options.startTimeoutMs ?? 10_000);
    } catch (err) {
      why.push(`${kind === 'python' ? `python (${command})` : kind}: ${(err as Error).message}`);
    }
  }
  throw new UnavailableError(`spawn helper did not start (${why.join('; ')})`);
}

async function startHelper(
  kind: SpawnHelperKind,
  command: string,
  args: string[],
  startTimeoutMs: number,
): Promise<SpawnHelper> {
  const helper = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env: inheritedEnvironment() });
  // A write to a helper that has died fails here; its exit, handled below, says what happened.
  helper.stdin.on('error', () => undefined);
  const messages = createInterface({ input: helper.stdout });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let gone: Error | undefined;

  await new Promise<void>((resolveReady, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      helper.kill('SIGKILL');
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`not ready after ${startTimeoutMs} ms`), startTimeoutMs);
    helper.once('error', (err) => fail(err.message));
    helper.once('exit', (code, signal) => fail(`exited at start (code ${code}, signal ${signal})`));
    messages.once('line', (line) => {
      if (parse(line)?.t !== 'ready') return fail(`said ${line.slice(0, 200)} instead of ready`);
      clearTimeout(timer);
      resolveReady();
    });
  });
  helper.removeAllListeners('error');
  helper.removeAllListeners('exit');

  messages.on('line', (line) => {
    const m = parse(line);
    if (!m || m.t === 'ready') return;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === 'spawned') {
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
    gone = new UnavailableError(`spawn helper (${kind}) ${why}`);
    // Processes it started keep running, but their exit status is lost with it: report
    // each once its shell has ended, so its resources stay held until then.
    for (const p of pending.values()) {
      if (p.pid !== undefined) void waitForLeaderExit(p.pid).then(() => p.exit({ code: null, signal: null }));
      else p.failed(gone);
    }
    pending.clear();
  };
  helper.on('exit', (code, signal) => onGone(`exited (code ${code}, signal ${signal})`));
  helper.on('error', (err) => onGone(`failed: ${err.message}`));

  return {
    kind,
    pid: helper.pid,
    launch(req) {
      if (gone) return Promise.reject(gone);
      const nul = nulField(req);
      if (nul) return Promise.reject(new Error(`${nul} must be a string without null bytes`));
      const id = ++nextId;
      return new Promise<LaunchedProcess>((launched, failed) => {
        let exit!: (e: ProcessExit) => void;
        const exited = new Promise<ProcessExit>((done) => (exit = done));
        pending.set(id, { launched, failed, exit, exited });
        // Absolute paths: the Python helper changes its own directory to each job's.
        const message = {
          t: 'spawn',
          id,
          file: req.file,
          args: req.args,
          cwd: resolve(req.cwd),
          env: req.env,
          out: resolve(req.stdoutPath),
          err: resolve(req.stderrPath),
        };
        helper.stdin.write(`${JSON.stringify(message)}\n`);
      });
    },
    async close() {
      if (helper.exitCode !== null || helper.signalCode !== null) return;
      const exited = new Promise((done) => helper.once('exit', done));
      helper.stdin.end();
      await exited;
    },
  };
}

function parse(line: string): HelperMessage | undefined {
  try {
    return JSON.parse(line) as HelperMessage;
  } catch {
    return undefined;
  }
}

/** The field of a request that holds a NUL (no process can be given one), if any. */
function nulField(req: LaunchRequest): string | undefined {
  const has = (s: string) => s.includes('\0');
  if (has(req.file) || req.args.some(has)) return 'the command';
  if (has(req.cwd)) return 'the working directory';
  if (has(req.stdoutPath) || has(req.stderrPath)) return 'the log path';
  const name = Object.entries(req.env).find(([k, v]) => has(k) || has(v))?.[0];
  return name === undefined ? undefined : `environment variable ${JSON.stringify(name)}`;
}

/** Whether process `pid` still runs; a zombie (ended, not reaped: it is no child of ours) does not. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const state = stat === undefined ? undefined : parseStat(stat)?.state;
  if (state !== undefined) return !ENDED_STATES.has(state);
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
