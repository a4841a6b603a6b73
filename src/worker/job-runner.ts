/**
 * Runs one attempt of one job as a shell command and measures it.
 *
 * The command runs as `/bin/sh -c "<command>"`; with an `invocation_script` it runs as
 * `/bin/sh -c "<invocation_script> <command>"` — a plain prefix, so the script gets the
 * command's words as its arguments (quote inside the command if that matters).
 * The shell leads its own process group (`detached`), so termination reaches every
 * process the command started, not just the shell.
 */
import { constants } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gpuEnvironment, type GpuDevice } from './gpu-discovery.js';
import { directLauncher, type LaunchedProcess, type ProcessLauncher } from './process-launcher.js';

/** Options for {@link startAttempt}. */
export interface AttemptSpec {
  workflow: string;
  /** Job `_key`. */
  job: string;
  jobName: string;
  attempt: number;
  command: string;
  invocation_script?: string;
  /** Working directory of the command. */
  cwd: string;
  /** stdout/stderr go to `<logDir>/<workflow>/<job>.a<attempt>.{out,err}`. */
  logDir: string;
  /** Exported as JOBGRAPH_API so jobs can post user data and events. */
  apiUrl: string;
  /**
   * Time between SIGTERM and SIGKILL on termination.
   * @default 10000
   */
  terminateGraceMs?: number;
  /**
   * The GPUs the job was given: it sees only these (gpu-discovery.ts `gpuEnvironment`).
   * Undefined: the environment's GPU variables are left as inherited.
   */
  gpuIds?: readonly string[];
  /** @default 'nvidia' */
  gpuVendor?: GpuDevice['vendor'];
}

/** How an attempt ended: what the worker reports to `attempts/complete`. */
export interface AttemptOutcome {
  status: 'completed' | 'failed' | 'terminated';
  /** Exit code; 128 + n when killed by signal n; 127 when the shell could not start. */
  return_code: number;
  exec_time_s: number;
  /** ISO time. */
  completion_time: string;
  stdout_path: string;
  stderr_path: string;
  message?: string;
}

/** A started attempt. */
export interface RunningAttempt {
  /** Process id of the shell, which is also the process group id. */
  readonly pid: number | undefined;
  /** Resolves when the shell exits (never rejects). */
  readonly done: Promise<AttemptOutcome>;
  /**
   * SIGTERM the process group, SIGKILL it after the grace period if the shell still
   * runs (at once with `immediate`: a job over its memory limit gets no grace). The
   * outcome's status becomes `terminated`. Resolves when the shell has exited.
   */
  terminate(options?: { immediate?: boolean }): Promise<AttemptOutcome>;
}

const DEFAULT_GRACE_MS = 10_000;

/**
 * The result message of an attempt killed by a SIGKILL the worker did not send (the shell
 * itself, or exit 137: a child of the shell). On Linux that is almost always the kernel's
 * OOM killer (or a batch system enforcing memory), so the user gets the likely cause.
 */
export const OOM_MESSAGE = 'killed (SIGKILL): likely out of memory';

/** Where an attempt's output goes. */
export function attemptLogPaths(
  logDir: string,
  workflow: string,
  job: string,
  attempt: number,
): { out: string; err: string } {
  const base = join(logDir, workflow, `${job}.a${attempt}`);
  return { out: `${base}.out`, err: `${base}.err` };
}

/**
 * The JOBGRAPH_* identity variables a job gets on top of the worker's inherited environment,
 * and torc's names for the same things (its `job_runner.rs` / `async_cli_command.rs`), so that
 * torc users' scripts run unchanged; torc's ids are integers, jobgraph's are keys.
 */
export function attemptEnvironment(spec: AttemptSpec): Record<string, string> {
  return {
    TORC_WORKFLOW_ID: spec.workflow,
    TORC_JOB_ID: spec.job,
    TORC_JOB_NAME: spec.jobName,
    TORC_ATTEMPT_ID: String(spec.attempt),
    TORC_API_URL: spec.apiUrl,
    TORC_OUTPUT_DIR: spec.logDir,
    JOBGRAPH_WORKFLOW: spec.workflow,
    JOBGRAPH_JOB: spec.job,
    JOBGRAPH_JOB_NAME: spec.jobName,
    JOBGRAPH_ATTEMPT: String(spec.attempt),
    JOBGRAPH_API: spec.apiUrl,
    // The worker process itself (jobs run under a spawn helper): lets a job — or a test — find its worker.
    JOBGRAPH_WORKER_PID: String(process.pid),
    ...(spec.gpuIds && gpuEnvironment(spec.gpuIds, spec.gpuVendor)),
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Start an attempt through `launcher` (default: spawn from this process). Resolves once
 * the process runs; a process that cannot start resolves too, with `done` already
 * reporting it failed (return code 127).
 */
export async function startAttempt(
  spec: AttemptSpec,
  launcher: ProcessLauncher = directLauncher,
): Promise<RunningAttempt> {
  const paths = attemptLogPaths(spec.logDir, spec.workflow, spec.job, spec.attempt);
  const line = spec.invocation_script ? `${spec.invocation_script} ${spec.command}` : spec.command;
  const started = performance.now();
  const outcome = (status: AttemptOutcome['status'], return_code: number, message?: string): AttemptOutcome => ({
    status,
    return_code,
    exec_time_s: (performance.now() - started) / 1000,
    completion_time: new Date().toISOString(),
    stdout_path: paths.out,
    stderr_path: paths.err,
    ...(message ? { message } : {}),
  });

  let launched: LaunchedProcess;
  try {
    launched = await launcher.launch({
      file: '/bin/sh',
      args: ['-c', line],
      cwd: spec.cwd,
      env: attemptEnvironment(spec),
      stdoutPath: paths.out,
      stderrPath: paths.err,
    });
  } catch (err) {
    const done = Promise.resolve(
      outcome('failed', 127, `could not start the command in ${spec.cwd}: ${(err as Error).message}`),
    );
    return { pid: undefined, done, terminate: () => done };
  }

  const { pid } = launched;
  let terminating = false;
  let killTimer: NodeJS.Timeout | undefined;
  const done = launched.exited.then(({ code, signal }) => {
    if (killTimer) clearTimeout(killTimer);
    // Stragglers of a terminated job that ignored SIGTERM must not outlive it.
    if (terminating) killGroup(pid, 'SIGKILL');
    const return_code = signal ? 128 + signalNumber(signal) : (code ?? 1);
    const status = terminating ? 'terminated' : return_code === 0 ? 'completed' : 'failed';
    return outcome(
      status,
      return_code,
      code === null && signal === null
        ? 'exit status lost (spawn helper died)'
        : !terminating && (signal === 'SIGKILL' || return_code === 137)
          ? OOM_MESSAGE
          : undefined,
    );
  });
  let ended = false;
  void done.then(() => (ended = true));

  return {
    pid,
    done,
    terminate: (options) => {
      if (!terminating && !ended) {
        terminating = true;
        killGroup(pid, options?.immediate ? 'SIGKILL' : 'SIGTERM');
        if (!options?.immediate)
          killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), spec.terminateGraceMs ?? DEFAULT_GRACE_MS);
      } else if (options?.immediate && !ended) {
        killGroup(pid, 'SIGKILL');
      }
      return done;
    },
  };
}
