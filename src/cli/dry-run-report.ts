/**
 * `--dry-run` of `jobgraph run` and `jobgraph workflow create`: what a spec expands to, without
 * writing anything — counts of jobs, files, user data and edges per kind, and torc's
 * "execution plan": the jobs by stage, a stage being the jobs whose blockers (explicit
 * `depends_on` and those implied by files and user data) are all in earlier stages.
 */
import type { EdgeCollection, WorkflowBundle } from '../core/model.js';
import { blockerPairs } from '../workflow-spec/index.js';

/** What a dry run prints (`--json` prints this object). */
export interface DryRunReport {
  workflow: string;
  jobs: number;
  files: number;
  user_data: number;
  /** Edges per collection, as written; `blocks` counts explicit dependencies only. */
  edges: Partial<Record<EdgeCollection, number>>;
  /** All blockers, explicit and implied by files and user data (what `start` derives). */
  dependencies: number;
  /** Job names by stage, in spec order within a stage. */
  stages: string[][];
  /** Spec fields jobgraph accepts but does not act on yet (also printed on stderr). */
  warnings: string[];
}

/** The dry-run report of a built (validated, expanded, resolved) spec. */
export function dryRunReport(bundle: WorkflowBundle, warnings: string[] = []): DryRunReport {
  const jobs = bundle.documents.jobs ?? [];
  const blockers = blockerPairs(bundle);
  // Kahn's algorithm by levels; the spec was checked for cycles when it was built.
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [job, set] of blockers) {
    waiting.set(job, set.size);
    for (const b of set) dependents.set(b, [...(dependents.get(b) ?? []), job]);
  }
  const name = new Map(jobs.map((j) => [j._id, String(j.name)]));
  const stages: string[][] = [];
  let current = jobs.filter((j) => waiting.get(j._id) === 0).map((j) => j._id);
  while (current.length) {
    stages.push(current.map((id) => name.get(id)!));
    const next: string[] = [];
    for (const id of current)
      for (const d of dependents.get(id) ?? []) {
        const left = waiting.get(d)! - 1;
        waiting.set(d, left);
        if (left === 0) next.push(d);
      }
    current = next;
  }
  const edges: Partial<Record<EdgeCollection, number>> = {};
  for (const [kind, list] of Object.entries(bundle.edges)) edges[kind as EdgeCollection] = list?.length ?? 0;
  return {
    workflow: bundle.workflow.name,
    jobs: jobs.length,
    files: bundle.documents.files?.length ?? 0,
    user_data: bundle.documents.user_data?.length ?? 0,
    edges,
    dependencies: [...blockers.values()].reduce((n, s) => n + s.size, 0),
    stages,
    warnings,
  };
}

/** Most job names printed per stage; the rest are counted. */
const NAMES_PER_STAGE = 10;

/** The report as text for a terminal. */
export function formatDryRun(r: DryRunReport): string {
  const edges = Object.entries(r.edges)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = [
    `dry run of "${r.workflow}": nothing was written`,
    `jobs ${r.jobs}, files ${r.files}, user data ${r.user_data}`,
    `edges: ${edges || 'none'}; dependencies (explicit and from files/user data): ${r.dependencies}`,
    `execution plan: ${r.stages.length} stage${r.stages.length === 1 ? '' : 's'}`,
  ];
  r.stages.forEach((names, i) => {
    const shown = names.slice(0, NAMES_PER_STAGE).join(', ');
    const more = names.length > NAMES_PER_STAGE ? ` … and ${names.length - NAMES_PER_STAGE} more` : '';
    lines.push(`  stage ${i + 1} (${names.length}): ${shown}${more}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Print the dry-run report of `bundle` to stdout, as JSON for tools or as text. */
export function printDryRun(bundle: WorkflowBundle, json: boolean, warnings: string[] = []): void {
  const report = dryRunReport(bundle, warnings);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatDryRun(report));
}
