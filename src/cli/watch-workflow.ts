/**
 * `jobgraph workflow watch` (and `submit --watch`): poll a workflow through the API until it
 * ends, showing progress and one line per job that fails, terminates or is canceled; the exit
 * status is `run`'s: 0 only when every job completed (or is disabled).
 *
 * Polling, not a stream: one status call (indexed counts) per interval, and a job list only
 * when a failure count grew, so watching a 10,000-job workflow costs the API next to nothing.
 */
import type { JobDoc, ResultDoc, WorkflowDoc } from '../core/model.js';
import { listAll, type ApiCall } from './api-client-flags.js';
import { EXIT_FAILED, EXIT_OK } from './graceful-shutdown.js';
import { formatElapsed, formatProgressLine, waitingLine, type StatusCounts } from './watch-progress.js';

/** Job states a watcher is told about, one line per job. */
const REPORTED = ['failed', 'terminated', 'canceled'] as const;

const FINAL_WORKFLOW = new Set(['completed', 'failed', 'canceled']);

export interface WorkflowStatusAnswer {
  status: string;
  counts: StatusCounts;
  total: number;
  /** Why queued jobs wait, when the scheduler knows (item 5: e.g. `no worker with 500g memory`). */
  waiting?: Array<{ job: string; name: string; reason: string }>;
}

export interface WatchOptions {
  intervalMs: number;
  /** Where the progress goes; on a TTY the line is redrawn in place, elsewhere printed when it changes. */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Stops the watch early (Ctrl-C); the workflow itself is left alone. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface WatchOutcome {
  status: string;
  counts: StatusCounts;
  total: number;
  /** 0 when every job completed, 1 otherwise; undefined when stopped before the end. */
  exitCode: number | undefined;
}

const path = (wf: string, rest = '') => `/workflows/${encodeURIComponent(wf)}${rest}`;

/** `failed: job "b" (k3) attempt 2, return code 1` — the latest result's code when there is one. */
async function failureLine(call: ApiCall, wf: string, job: JobDoc): Promise<string> {
  const results = await call<{ items: ResultDoc[] }>(
    'GET',
    path(wf, `/results?job=${encodeURIComponent(job._key)}&limit=10000`),
  );
  const latest = results.items.reduce<ResultDoc | undefined>(
    (a, r) => (!a || r.attempt > a.attempt ? r : a),
    undefined,
  );
  const code =
    latest?.return_code !== undefined && latest.return_code !== null ? `, return code ${latest.return_code}` : '';
  return `${job.status}: job "${job.name}" (${job._key}) attempt ${job.attempt}${code}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
  });
}

/** Watch `wf` until it ends (or `signal` aborts); prints progress, failures and a closing summary. */
export async function watchWorkflow(call: ApiCall, wf: string, options: WatchOptions): Promise<WatchOutcome> {
  const now = options.now ?? Date.now;
  const { out } = options;
  const tty = out.isTTY === true;
  const workflow = await call<WorkflowDoc>('GET', path(wf));
  const since = workflow.started_at ? Date.parse(workflow.started_at) : now();
  const told = new Set<string>();
  const toldWaiting = new Set<string>();
  let shownReported = 0;
  let lastLine = '';
  let drawn = false;
  const clear = () => {
    if (tty && drawn) out.write('\r\x1b[K');
    drawn = false;
  };
  for (;;) {
    const s = await call<WorkflowStatusAnswer>('GET', path(wf, '/status'));
    const reported = REPORTED.reduce((sum, st) => sum + (s.counts[st] ?? 0), 0);
    if (reported > shownReported) {
      for (const st of REPORTED) {
        if ((s.counts[st] ?? 0) === 0) continue;
        for (const job of await listAll<JobDoc>(call, path(wf, `/jobs?status=${st}`))) {
          if (told.has(job._key)) continue;
          told.add(job._key);
          clear();
          out.write(`${await failureLine(call, wf, job)}\n`);
        }
      }
      shownReported = reported;
    }
    for (const w of s.waiting ?? []) {
      if (toldWaiting.has(w.job)) continue;
      toldWaiting.add(w.job);
      clear();
      out.write(`${waitingLine(w)}\n`);
    }
    const ended = FINAL_WORKFLOW.has(s.status);
    const line = formatProgressLine({ counts: s.counts, total: s.total, elapsedS: (now() - since) / 1000 });
    if (tty) {
      out.write(`\r\x1b[K${line}`);
      drawn = true;
    } else if (ended || stripTime(line) !== stripTime(lastLine)) out.write(`${line}\n`);
    lastLine = line;
    if (ended || options.signal?.aborted) {
      if (tty) out.write('\n');
      const allCompleted = (s.counts.completed ?? 0) + (s.counts.disabled ?? 0) === s.total;
      const finishedAt = ended ? ' in ' + formatElapsed((now() - since) / 1000) : '';
      out.write(
        ended
          ? `workflow ${wf} (${workflow.name}): ${s.status}${finishedAt}\n`
          : `stopped watching ${wf}: it keeps running (jobgraph workflow watch ${wf})\n`,
      );
      return {
        status: s.status,
        counts: s.counts,
        total: s.total,
        exitCode: ended ? (allCompleted ? EXIT_OK : EXIT_FAILED) : undefined,
      };
    }
    await sleep(options.intervalMs, options.signal);
  }
}

/** A line without its time part: off a terminal, a line is printed when the counts change, not every tick. */
function stripTime(line: string): string {
  return line.slice(0, line.lastIndexOf(' | '));
}
