/**
 * The worker's side of failure handlers. The store decides authoritatively whether a
 * failed attempt is retried (core/failure-policy.ts, inside completeAttempts); the worker
 * asks the same function only to know whether to run the matching rule's recovery script
 * — before it reports the failure, so the retry cannot start before the recovery ended.
 *
 * The script runs like the job (`/bin/sh -c`, the job's cwd and JOBGRAPH_* environment,
 * its own process group) plus `JOBGRAPH_RETURN_CODE` (and torc's `TORC_RETURN_CODE`), with output to
 * `<logDir>/<workflow>/<job>.a<attempt>.recovery.{out,err}`. If it fails (or cannot
 * start) the worker vetoes the retry (`no_retry`): retrying after a failed repair would
 * most likely fail the same way.
 */
import { decideRetry, type FailureHandler } from '../core/failure-policy.js';
import type { Logger } from '../core/logger.js';
import { attemptEnvironment, attemptLogPaths, type AttemptOutcome, type AttemptSpec } from './job-runner.js';
import { directLauncher, type ProcessLauncher } from './process-launcher.js';

/** Finds a workflow's failure handler by name; undefined when it has none of that name. */
export type FailureHandlerLookup = (workflow: string, name: string) => Promise<FailureHandler | undefined>;

/**
 * A lookup that fetches each workflow's handlers once (`fetch` answers the workflow
 * document's `failure_handlers`, undefined when absent). Handlers never change after
 * creation, so the cache needs no expiry; a failed fetch is not cached.
 */
export function cachedHandlerLookup(fetch: (workflow: string) => Promise<unknown>): FailureHandlerLookup {
  const cache = new Map<string, Promise<FailureHandler[]>>();
  return async (workflow, name) => {
    let handlers = cache.get(workflow);
    if (!handlers) {
      handlers = fetch(workflow).then((h) => (Array.isArray(h) ? (h as FailureHandler[]) : []));
      cache.set(workflow, handlers);
      handlers.catch(() => cache.delete(workflow));
    }
    return (await handlers).find((h) => h.name === name);
  };
}

/** What the worker adds to the completion of a failed attempt. */
export interface RecoveryReport {
  no_retry?: true;
  message?: string;
}

export interface RecoveryOptions {
  spec: AttemptSpec;
  /** The job document the start answered (its `failure_handler`, `failure_retries`). */
  job: { readonly [field: string]: unknown };
  outcome: AttemptOutcome;
  lookup: FailureHandlerLookup;
  logger: Logger;
  launcher?: ProcessLauncher;
  /** The script is killed (its group, SIGKILL) after this long. @default 3_600_000 */
  timeoutMs?: number;
}

/** Where a recovery script's output goes. */
export function recoveryLogPaths(logDir: string, workflow: string, job: string, attempt: number) {
  const { out, err } = attemptLogPaths(logDir, workflow, job, attempt);
  return { out: out.replace(/\.out$/, '.recovery.out'), err: err.replace(/\.err$/, '.recovery.err') };
}

/**
 * If a failure handler will retry this failed attempt and its rule has a recovery
 * script, run the script and wait for it. @returns fields for the completion report.
 */
export async function recoverIfRetried(o: RecoveryOptions): Promise<RecoveryReport> {
  const { spec, job, outcome, logger } = o;
  if (outcome.status !== 'failed' || typeof job.failure_handler !== 'string') return {};
  let handler: FailureHandler | undefined;
  try {
    handler = await o.lookup(spec.workflow, job.failure_handler);
  } catch (err) {
    logger.warn({ err }, 'could not read the failure handler; the attempt will not be retried');
    return { no_retry: true, message: `failure handler unavailable: ${(err as Error).message}` };
  }
  const decision = decideRetry(handler, {
    status: outcome.status,
    return_code: outcome.return_code,
    retries_used: typeof job.failure_retries === 'number' ? job.failure_retries : 0,
  });
  if (!decision.retry || !decision.rule.recovery_script) return {};
  const script = decision.rule.recovery_script;
  const paths = recoveryLogPaths(spec.logDir, spec.workflow, spec.job, spec.attempt);
  logger.info({ script, return_code: outcome.return_code }, 'running the recovery script');
  const code = await runScript(o, script, paths);
  if (code === 0) return {};
  logger.warn({ script, code }, 'the recovery script failed; the attempt will not be retried');
  return {
    no_retry: true,
    message: `recovery script failed (${typeof code === 'number' ? `exit ${code}` : code}); not retried`,
  };
}

/** Run the script to its end; resolves with its exit code (128 + n for signal n), or a description. */
async function runScript(
  o: RecoveryOptions,
  script: string,
  paths: { out: string; err: string },
): Promise<number | string> {
  const launcher = o.launcher ?? directLauncher;
  let launched;
  try {
    launched = await launcher.launch({
      file: '/bin/sh',
      args: ['-c', script],
      cwd: o.spec.cwd,
      env: {
        ...attemptEnvironment(o.spec),
        JOBGRAPH_RETURN_CODE: String(o.outcome.return_code),
        TORC_RETURN_CODE: String(o.outcome.return_code),
      },
      stdoutPath: paths.out,
      stderrPath: paths.err,
    });
  } catch (err) {
    return `could not start: ${(err as Error).message}`;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-launched.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, o.timeoutMs ?? 3_600_000);
  const { code, signal } = await launched.exited;
  clearTimeout(timer);
  if (signal) return `killed by ${signal}`;
  return code ?? 'exit status lost';
}
