/**
 * What the resource report and the plots read from the API: the workflow's jobs, each job's
 * latest result (with its `resource_usage`), the resource requirements by job, and the
 * compute nodes the results ran on.
 */
import type { ResourceUsage } from '../core/schemas/resource-usage.js';
import { listAll, type ApiCall } from './api-client-flags.js';

/** One job's last attempt, as the report and plots see it. */
export interface JobUsage {
  job: string;
  name: string;
  /** The resource requirement's name; `default` when the job names none. */
  requirement: string;
  attempt: number;
  status: string;
  exec_time_s: number;
  /** When the attempt started and ended, in ms since the epoch. */
  start_ms: number;
  end_ms: number;
  compute_node: string;
  usage: ResourceUsage | undefined;
}

type Doc = Record<string, unknown> & { _key: string };

/** The last attempt of every job that has a result, in job-name order. */
export async function fetchJobUsage(call: ApiCall, workflow: string): Promise<JobUsage[]> {
  const base = `/workflows/${encodeURIComponent(workflow)}`;
  const [jobs, results, requirements, requires] = await Promise.all([
    listAll<Doc>(call, `${base}/jobs`),
    listAll<Doc>(call, `${base}/results`),
    listAll<Doc>(call, `${base}/resource_requirements`),
    listAll<Doc & { _from: string; _to: string }>(call, `${base}/edges/requires`),
  ]);
  const requirementName = new Map(
    requirements.map((r) => [`resource_requirements/${r._key}`, String(r.name ?? r._key)]),
  );
  const requirementOf = new Map(requires.map((e) => [e._from, requirementName.get(e._to) ?? e._to]));
  const last = new Map<string, Doc>();
  for (const r of results) {
    const seen = last.get(r.job as string);
    if (!seen || (r.attempt as number) > (seen.attempt as number)) last.set(r.job as string, r);
  }
  return jobs
    .filter((j) => last.has(j._key))
    .map((j) => {
      const r = last.get(j._key)!;
      const end_ms = Date.parse(r.completion_time as string);
      const exec_time_s = (r.exec_time_s as number) ?? 0;
      return {
        job: j._key,
        name: String(j.name ?? j._key),
        requirement: requirementOf.get(`jobs/${j._key}`) ?? 'default',
        attempt: r.attempt as number,
        status: r.status as string,
        exec_time_s,
        start_ms: end_ms - exec_time_s * 1000,
        end_ms,
        compute_node: String(r.compute_node ?? ''),
        usage: r.resource_usage as ResourceUsage | undefined,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
