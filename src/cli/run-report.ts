/**
 * What `jobgraph run` prints at the end: a table, or JSON, of every job's final state with why
 * it ended so (attempt, return code, reason, node, duration, log files), then for each job that
 * did not complete its name, reason and the last lines of its stderr, and where to look next.
 */
import type { ComputeNodeDoc, JobDoc, ResultDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { formatJobTable, jobRows, lastLines, latestResults, type JobRow } from './job-rows.js';

/** Lines of stderr shown per failed job; `jobgraph logs` shows the rest. */
const STDERR_LINES = 5;
/** Failed jobs detailed below the table; the table lists them all. */
const MAX_FAILURES_SHOWN = 10;

export interface RunReport {
  workflow: string;
  name: string;
  status: string;
  jobs: Array<JobRow & { exec_time_s: number | null; stderr_tail: string | null }>;
}

async function everyDocument<T>(
  store: GraphStore,
  workflow: string,
  collection: 'jobs' | 'results' | 'compute_nodes',
): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await store.listDocuments(workflow, collection, { offset: out.length, limit: 10_000 });
    out.push(...(page.items as T[]));
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

export async function buildRunReport(store: GraphStore, workflow: string): Promise<RunReport> {
  const wf = await store.getWorkflow(workflow);
  const jobs = await everyDocument<JobDoc>(store, workflow, 'jobs');
  const results = await everyDocument<ResultDoc>(store, workflow, 'results');
  const nodes = await everyDocument<ComputeNodeDoc>(store, workflow, 'compute_nodes');
  const latest = latestResults(results);
  return {
    workflow,
    name: wf.name,
    status: wf.status,
    jobs: jobRows(jobs, results, nodes).map((row) => {
      const r = latest.get(row.key);
      const current = r && r.attempt === row.attempt ? r : undefined;
      // exec_time_s: the field's name before `duration_s`, kept for scripts that read it.
      return { ...row, exec_time_s: row.duration_s, stderr_tail: current?.stderr_tail ?? null };
    }),
  };
}

const ENDED_WELL = new Set(['completed', 'disabled']);

/** Each job that did not complete: name, reason, last stderr lines (the table has the rest). */
function failureLines(report: RunReport): string {
  const failed = report.jobs.filter((j) => !ENDED_WELL.has(j.status) && (j.reason || j.stderr_tail));
  if (failed.length === 0) return '';
  let out = '\n';
  for (const j of failed.slice(0, MAX_FAILURES_SHOWN)) {
    out += `${j.name}: ${j.status}${j.reason ? ` — ${j.reason}` : ''}\n`;
    for (const line of lastLines(j.stderr_tail ?? undefined, STDERR_LINES)) out += `  | ${line}\n`;
  }
  if (failed.length > MAX_FAILURES_SHOWN) out += `… and ${failed.length - MAX_FAILURES_SHOWN} more\n`;
  return out;
}

export function formatRunReport(report: RunReport): string {
  const counts = new Map<string, number>();
  for (const j of report.jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  const anyFailed = report.jobs.some((j) => !ENDED_WELL.has(j.status));
  return (
    formatJobTable(report.jobs) +
    failureLines(report) +
    `\nworkflow ${report.workflow} (${report.name}): ${report.status} — ${summary}\n` +
    (anyFailed
      ? `logs: jobgraph logs ${report.workflow} JOB [--stderr]   (works here after the run, no server needed)\n`
      : '')
  );
}

/**
 * What `run` prints on stderr when a signal (Ctrl-C) stopped it: the store keeps the workflow,
 * the client commands read it without a server, and `workflow restart` runs the unfinished jobs
 * again once a server and a worker use the same store.
 */
export function resumeHint(workflow: string, signal: string, db?: string): string {
  const store = db ? ` --db ${db}` : '';
  return (
    `\nstopped (${signal}): workflow ${workflow} is kept in ${db ?? './.jobgraph/graph.sqlite'}.\n` +
    `  look:   jobgraph workflow jobs ${workflow}${store}   (no server needed; also status, results, logs)\n` +
    `  resume: jobgraph server${store} & jobgraph workflow restart ${workflow} && jobgraph worker start --workflow ${workflow}\n`
  );
}
