/**
 * Why a job ended as it did, in one row per job: what `run`'s report, `workflow jobs` and
 * `workflow results` show — attempt, return code, status reason, node and duration, next to the
 * name — built from the documents the API (or the store) returns. Pure: no I/O.
 */
import type { ComputeNodeDoc, JobDoc, ResultDoc } from '../core/model.js';
import { compareNatural } from './natural-order.js';
import { formatTable } from './print-table.js';

/** One job, as the tables and `--json` show it. */
export interface JobRow {
  name: string;
  key: string;
  status: string;
  attempt: number;
  return_code: number | null;
  /** Why it is not completed: the result's message (OOM, runtime limit, lost, canceled…) or the exit code. */
  reason: string | null;
  /** Host name of the compute node that ran the latest attempt. */
  node: string | null;
  duration_s: number | null;
  stdout_path: string | null;
  stderr_path: string | null;
}

/** One recorded attempt. */
export interface ResultRow {
  job: string;
  job_key: string;
  attempt: number;
  status: string;
  return_code: number;
  reason: string | null;
  node: string | null;
  duration_s: number;
  completed: string;
  stdout_path: string | null;
  stderr_path: string | null;
}

/** The reason a result gives for its status; null for a completed attempt. */
export function reasonOf(result: ResultDoc): string | null {
  if (result.status === 'completed') return null;
  if (typeof result.message === 'string' && result.message) return result.message;
  if (result.lost === true) return 'worker lost';
  if (result.status === 'failed') return `exit code ${result.return_code}`;
  return result.status;
}

/** The latest result of each job, by job key. */
export function latestResults(results: readonly ResultDoc[]): Map<string, ResultDoc> {
  const latest = new Map<string, ResultDoc>();
  for (const r of results) {
    const prev = latest.get(r.job);
    if (!prev || prev.attempt < r.attempt) latest.set(r.job, r);
  }
  return latest;
}

function hostsByNode(nodes: readonly ComputeNodeDoc[]): Map<string, string> {
  return new Map(nodes.map((n) => [n._key, n.hostname]));
}

/** One row per job, in natural order of names. */
export function jobRows(
  jobs: readonly JobDoc[],
  results: readonly ResultDoc[],
  nodes: readonly ComputeNodeDoc[],
): JobRow[] {
  const latest = latestResults(results);
  const hosts = hostsByNode(nodes);
  return jobs
    .map((j): JobRow => {
      // A result of an earlier attempt says nothing of a job that runs again.
      const r = latest.get(j._key);
      const current = r && r.attempt === j.attempt ? r : undefined;
      return {
        name: j.name,
        key: j._key,
        status: j.status,
        attempt: j.attempt,
        return_code: current?.return_code ?? null,
        reason: current ? reasonOf(current) : j.status === 'canceled' ? 'canceled before it ran' : null,
        node: current ? (hosts.get(current.compute_node) ?? current.compute_node) : null,
        duration_s: current?.exec_time_s ?? null,
        stdout_path: current?.stdout_path ?? null,
        stderr_path: current?.stderr_path ?? null,
      };
    })
    .sort((a, b) => compareNatural(a.name, b.name));
}

/** One row per recorded attempt, by job name (natural order) then attempt. */
export function resultRows(
  results: readonly ResultDoc[],
  jobs: readonly JobDoc[],
  nodes: readonly ComputeNodeDoc[],
): ResultRow[] {
  const names = new Map(jobs.map((j) => [j._key, j.name]));
  const hosts = hostsByNode(nodes);
  return results
    .map((r): ResultRow => ({
      // Every recorded field stays (`interrupted`, `resource_usage`, the log tails…) for --json;
      // the readable ones below replace or add to them.
      ...r,
      job: names.get(r.job) ?? r.job,
      job_key: r.job,
      attempt: r.attempt,
      status: r.status,
      return_code: r.return_code,
      reason: reasonOf(r),
      node: hosts.get(r.compute_node) ?? r.compute_node,
      duration_s: r.exec_time_s,
      completed: r.completion_time,
      stdout_path: r.stdout_path ?? null,
      stderr_path: r.stderr_path ?? null,
    }))
    .sort((a, b) => compareNatural(a.job, b.job) || a.attempt - b.attempt);
}

/** A duration for a table cell. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds.toFixed(2)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/** The last `n` non-empty lines of `text`. */
export function lastLines(text: string | undefined, n: number): string[] {
  if (!text) return [];
  return text.replace(/\s+$/, '').split('\n').slice(-n);
}

/** The job table of `run`'s report and `workflow jobs`: one line per job, why it ended so. */
export function formatJobTable(rows: readonly JobRow[]): string {
  return formatTable(
    ['job', 'status', 'attempt', 'return_code', 'node', 'duration', 'reason'],
    rows.map((j) => [
      j.name,
      j.status,
      j.attempt,
      j.return_code ?? '-',
      j.node ?? '-',
      formatDuration(j.duration_s),
      j.reason ?? '',
    ]),
  );
}
