/**
 * The progress line of `jobgraph workflow watch`: a bar of finished jobs, the counts per
 * state (failed, terminated and canceled apart: they mean different things to act on),
 * elapsed time and an ETA. Pure, so the wording is tested without a terminal or a server.
 */
import type { JobStatus } from '../core/model.js';

export type StatusCounts = Partial<Record<JobStatus, number>>;

/** Finished states shown, in this order, each only when some job is in it. */
const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'terminated', 'canceled'];

/** Jobs that will not run (disabled) count as done for the bar. */
const DONE: readonly JobStatus[] = [...FINISHED, 'disabled'];

/** `90` → `1m30s`, `3725` → `1h02m05s`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${pad(m)}m${pad(s % 60)}s`;
  if (m > 0) return `${m}m${pad(s % 60)}s`;
  return `${s}s`;
}

export function doneCount(counts: StatusCounts): number {
  return DONE.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/**
 * Seconds left at the rate jobs finished so far (linear: a workflow whose long jobs come last
 * is under-estimated); undefined before the first job finishes or once all are done.
 */
export function estimateRemaining(done: number, total: number, elapsedS: number): number | undefined {
  if (done <= 0 || done >= total || elapsedS <= 0) return undefined;
  return (elapsedS / done) * (total - done);
}

export interface ProgressLine {
  counts: StatusCounts;
  total: number;
  elapsedS: number;
  /** Bar width in characters. @default 30 */
  width?: number;
}

/** ` ██████░░░░ 12/40 (30%) | 3 running, 25 waiting | 10 completed, 1 failed, 1 canceled | 1m05s, ETA 2m31s` */
export function formatProgressLine({ counts, total, elapsedS, width = 30 }: ProgressLine): string {
  const done = doneCount(counts);
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const running = counts.running ?? 0;
  const waiting = total - done - running;
  const finished = FINISHED.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  const eta = estimateRemaining(done, total, elapsedS);
  return [
    ` ${bar} ${done}/${total} (${percent}%)`,
    `${running} running, ${waiting} waiting`,
    finished.length > 0 ? finished.join(', ') : 'none finished',
    `${formatElapsed(elapsedS)}${eta === undefined ? '' : `, ETA ${formatElapsed(eta)}`}`,
  ].join(' | ');
}

/** How `watch` and `workflow status` print a job that fits no live worker (scheduler/unfit-waits.ts). */
export function waitingLine(w: { job: string; name: string; reason: string }): string {
  return `waiting: job "${w.name}" (${w.job}): ${w.reason}`;
}
