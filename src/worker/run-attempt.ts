/**
 * One accepted attempt, from its process's start to its report: input fingerprint, the
 * runtime limit, the recovery script of a retried failure, and the completion handed to
 * the reporter (not awaited: the resources are free as soon as the process has ended).
 */
import type { Logger } from '../core/logger.js';
import { DEFAULT_MONITOR_SETTINGS, type MonitorSettings, type ResourceUsage } from '../core/schemas/resource-usage.js';
import type { TakenJob } from '../queue/job-consumer.js';
import type { CompleteAnswer, StartAnswer } from './attempt-reporter.js';
import { recoverIfRetried, type RecoveryReport } from './failure-recovery.js';
import { hashInputFiles } from './input-fingerprint.js';
import { watchAttempt } from './attempt-monitoring.js';
import { startAttempt, type AttemptOutcome, type AttemptSpec, type RunningAttempt } from './job-runner.js';
import type { PullLoopDeps } from './pull-loop.js';
import { enforceRuntimeLimit } from './runtime-limit.js';
import { attemptTails } from './log-tail.js';

export type Accepted = Extract<StartAnswer, { ok: true }>;

/** Exit codes of a job killed by SIGTERM or SIGINT (128 + n). */
const EXTERNAL_STOP_CODES = new Set([143, 130]);
/** How long such a job waits for the worker's own stop before it is reported as failed. */
const STOP_SETTLE_MS = 1000;

/** An attempt the loop holds: its queue entry, its process once launched, and whether to stop it. */
export interface RunningEntry {
  taken: TakenJob;
  run?: RunningAttempt;
  terminate: boolean;
  /** Set when the worker is taken away (stop, lease notice): why. A terminated attempt is then reported interrupted. */
  interrupted?: string;
  /** When the loop launched it, then when its process was started (ms since the epoch). */
  startedAt: number;
  /** The GPUs the ledger gave it. */
  gpuIds: readonly string[];
}

/**
 * Run one accepted attempt to its end and hand its result to the reporter. Never rejects.
 * Resolves once the process has ended; `onReported` hears the report's answer later (undefined
 * when it could not be delivered).
 */
export async function runAcceptedAttempt(
  deps: PullLoopDeps,
  entry: RunningEntry,
  accepted: Accepted,
  log: Logger,
  onReported?: (answer: CompleteAnswer | undefined) => void,
): Promise<void> {
  const { payload } = entry.taken;
  const { job } = accepted;
  let outcome: AttemptOutcome;
  const spec: AttemptSpec = {
    workflow: payload.workflow,
    job: payload.job,
    jobName: job.name,
    attempt: payload.attempt,
    command: job.command,
    invocation_script: job.invocation_script,
    cwd: deps.cwd,
    logDir: deps.logDir,
    apiUrl: deps.apiUrl,
    terminateGraceMs: deps.terminateGraceMs,
    gpuIds: entry.gpuIds,
    ...(deps.gpuVendor && { gpuVendor: deps.gpuVendor }),
  };
  let resource_usage: ResourceUsage | undefined;
  let inputs: { files: Record<string, string> } | undefined;
  try {
    // Taken before the job runs: it may rewrite its own inputs (decision 0007).
    if (accepted.input_files?.length) inputs = { files: await hashInputFiles(accepted.input_files, deps.cwd) };
    const settings = await monitorSettingsOf(deps, payload.workflow, log);
    // The start answer and the settings took time (a loaded API): the node may now end before this attempt could.
    entry.startedAt = Date.now();
    const cutShort = deps.lease?.cutShort(entry.startedAt, payload.resources.runtime_s);
    if (cutShort !== undefined && !entry.terminate) {
      entry.terminate = true;
      entry.interrupted = cutShort;
    }
    const run = await startAttempt(spec, deps.launcher);
    entry.run = run;
    log.info({ pid: run.pid, ...(entry.gpuIds.length > 0 && { gpus: entry.gpuIds }) }, 'job started');
    const { num_cpus, memory_bytes, num_gpus } = payload.resources;
    const watched = watchAttempt({
      run,
      settings,
      requested: { num_cpus, memory_bytes, num_gpus },
      gpuIds: entry.gpuIds,
      log,
      ...(deps.processTable && { processTable: deps.processTable }),
      ...(deps.gpuUsage && { gpuUsage: deps.gpuUsage }),
    });
    const runtime_s = payload.resources.runtime_s;
    const limit = enforceRuntimeLimit(run, runtime_s, () =>
      log.warn({ runtime_s }, 'job exceeded its runtime limit; terminating it'),
    );
    // stop() may have come while the process was being spawned.
    outcome = limit.annotate(await (entry.terminate ? run.terminate() : run.done));
    limit.clear();
    resource_usage = await watched.finish(outcome);
  } catch (err) {
    log.error({ err }, 'could not run the job');
    outcome = {
      status: 'failed',
      return_code: 127,
      exec_time_s: 0,
      completion_time: new Date().toISOString(),
      stdout_path: '',
      stderr_path: '',
      message: `worker could not run the job: ${(err as Error).message}`,
    };
  }
  // Slurm (scancel, walltime, preemption) signals every process of the allocation at once: the
  // job may die of that SIGTERM before the worker's own stop has marked it — or the stop may
  // come after the exit but before this line (while the monitor finished). A job killed by a
  // SIGTERM or SIGINT the worker did not send waits briefly for that stop if it has not come,
  // and is then reported as the stop says (interrupted, run again) rather than as the job's own
  // failure.
  if (outcome.status === 'failed' && EXTERNAL_STOP_CODES.has(outcome.return_code)) {
    if (entry.interrupted === undefined) await new Promise((r) => setTimeout(r, STOP_SETTLE_MS));
    if (entry.interrupted !== undefined) outcome.status = 'terminated';
  }
  log.info({ status: outcome.status, return_code: outcome.return_code, exec_time_s: outcome.exec_time_s }, 'job ended');
  const recovery: RecoveryReport = deps.failureHandlers
    ? await recoverIfRetried({
        spec,
        job,
        outcome,
        lookup: deps.failureHandlers,
        logger: log,
        launcher: deps.launcher,
        // The repair gets the job's own time budget.
        ...(payload.resources.runtime_s > 0 ? { timeoutMs: payload.resources.runtime_s * 1000 } : {}),
      }).catch((err: unknown): RecoveryReport => {
        log.error({ err }, 'recovery failed; the attempt will not be retried');
        return { no_retry: true, message: `recovery failed: ${(err as Error).message}` };
      })
    : {};
  if (recovery.message)
    outcome.message = outcome.message ? `${outcome.message}; ${recovery.message}` : recovery.message;
  // Taken away, not the job's fault: the store runs it again as the next attempt.
  const interrupted = entry.interrupted !== undefined && outcome.status === 'terminated';
  if (interrupted) outcome.message = `interrupted: ${entry.interrupted}`;
  const { stdout_path, stderr_path, ...rest } = outcome;
  const tails = await attemptTails(outcome);
  // The report is not awaited here: resources are free as soon as the process ended;
  // the reporter keeps (and retries) the completion until the API has it.
  deps.reporter
    .complete({
      ...rest,
      ...(recovery.no_retry ? { no_retry: true } : {}),
      ...(interrupted ? { interrupted: true } : {}),
      ...(inputs ? { inputs } : {}),
      ...(resource_usage ? { resource_usage } : {}),
      ...(stdout_path ? { stdout_path, stderr_path } : {}),
      ...tails,
      workflow: payload.workflow,
      job: payload.job,
      attempt: payload.attempt,
      compute_node: accepted.compute_node,
    })
    .then(
      (answer) => {
        if (!answer.ok) log.warn({ reason: answer.reason }, 'completion refused by the API');
        return answer;
      },
      (err: unknown) => {
        log.error({ err }, 'completion could not be reported');
        return undefined;
      },
    )
    .then((answer) => onReported?.(answer));
}

/** The monitoring of `workflow`'s attempts; the defaults when it cannot be learnt (the job runs anyway). */
async function monitorSettingsOf(deps: PullLoopDeps, workflow: string, log: Logger): Promise<MonitorSettings> {
  if (!deps.monitorSettings) return DEFAULT_MONITOR_SETTINGS;
  return deps.monitorSettings(workflow).catch((err: unknown) => {
    log.warn({ err }, "could not read the workflow's resource_monitor; using the defaults");
    return DEFAULT_MONITOR_SETTINGS;
  });
}
