/**
 * What the job and result tables of one workflow are built from, fetched through the API (or
 * the local store behind the same routes): the workflow, its jobs, results and compute nodes.
 */
import type { ComputeNodeDoc, JobDoc, ResultDoc, WorkflowDoc } from '../core/model.js';
import { listAll, type ApiCall } from './api-client-flags.js';

export interface WorkflowFacts {
  workflow: WorkflowDoc;
  jobs: JobDoc[];
  results: ResultDoc[];
  nodes: ComputeNodeDoc[];
}

/** The facts of the workflow `ref` names (its key, or its name when unambiguous). */
export async function workflowFacts(call: ApiCall, ref: string): Promise<WorkflowFacts> {
  // Resolved once: the lists below then name the workflow by key.
  const workflow = await call<WorkflowDoc>('GET', `/workflows/${encodeURIComponent(ref)}`);
  const base = `/workflows/${encodeURIComponent(workflow._key)}`;
  const [jobs, results, nodes] = await Promise.all([
    listAll<JobDoc>(call, `${base}/jobs`),
    listAll<ResultDoc>(call, `${base}/results`),
    listAll<ComputeNodeDoc>(call, `${base}/compute_nodes`),
  ]);
  return { workflow, jobs, results, nodes };
}

/** Workflows, newest first (by creation time, then key for a stable order). */
export function newestFirst<T extends { _key: string; created_at?: unknown }>(items: T[]): T[] {
  return [...items].sort(
    (a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')) || (a._key < b._key ? 1 : -1),
  );
}
