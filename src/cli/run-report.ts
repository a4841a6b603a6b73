/** What `jobgraph run` prints at the end: a table, or JSON, of every job's final state. */
import type { JobDoc, ResultDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { formatTable } from './print-table.js';

export interface RunReport {
  workflow: string;
  name: string;
  status: string;
  jobs: Array<{
    name: string;
    status: string;
    attempt: number;
    return_code: number | null;
    exec_time_s: number | null;
  }>;
}

async function everyDocument<T>(store: GraphStore, workflow: string, collection: 'jobs' | 'results'): Promise<T[]> {
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
  const latest = new Map<string, ResultDoc>();
  for (const r of results) {
    const prev = latest.get(r.job);
    if (!prev || prev.attempt < r.attempt) latest.set(r.job, r);
  }
  return {
    workflow,
    name: wf.name,
    status: wf.status,
    jobs: jobs.map((j) => {
      const r = latest.get(j._key);
      return {
        name: j.name,
        status: j.status,
        attempt: j.attempt,
        return_code: r?.return_code ?? null,
        exec_time_s: r?.exec_time_s ?? null,
      };
    }),
  };
}

export function formatRunReport(report: RunReport): string {
  const counts = new Map<string, number>();
  for (const j of report.jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  return (
    formatTable(
      ['job', 'status', 'attempt', 'return_code', 'time_s'],
      report.jobs.map((j) => [j.name, j.status, j.attempt, j.return_code ?? '-', j.exec_time_s?.toFixed(2) ?? '-']),
    ) + `\nworkflow ${report.workflow} (${report.name}): ${report.status} — ${summary}\n`
  );
}
