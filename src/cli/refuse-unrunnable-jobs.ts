/**
 * What `jobgraph run` and `run --slurm` do with jobs that can run nowhere (no local worker, no
 * scheduler fits them): fail them in the graph, so nothing waits for them, and refuse the run
 * with one issue per job, which the CLI prints each on its own line.
 */
import { UnsatisfiableError } from '../core/errors.js';
import type { GraphStore } from '../graph/graph-store.js';
import { plural } from '../core/plural.js';

/** Jobs named in the headline. */
const HEADLINE_JOBS = 5;

/**
 * Jobs listed one per line (the CLI prints one line per issue): a 10,000-job sweep that fits
 * nowhere must not print 10,000 lines. `details.jobs` still names every one (`--json`).
 */
export const LISTED_JOBS = 20;

export interface UnrunnableJob {
  job: string;
  name: string;
  reason: string;
}

/** Fail `jobs` with `failMessage`; @returns the error to throw ("workflow W cannot run `where`: …"). */
export async function refuseUnrunnableJobs(
  store: Pick<GraphStore, 'failJobs'>,
  workflow: string,
  where: string,
  jobs: UnrunnableJob[],
  failMessage: string,
): Promise<UnsatisfiableError> {
  await store.failJobs(
    workflow,
    jobs.map((j) => j.job),
    failMessage,
  );
  const named = jobs.slice(0, HEADLINE_JOBS).map((j) => `job "${j.name}" ${j.reason}`);
  if (jobs.length > HEADLINE_JOBS) named.push(`… and ${plural(jobs.length - HEADLINE_JOBS, 'more job', 'more jobs')}`);
  return new UnsatisfiableError(`workflow ${workflow} cannot run ${where}: ${named.join('; ')}`, {
    workflow,
    jobs: jobs.map((j) => j.name),
    issues: [
      ...jobs.slice(0, LISTED_JOBS).map((j) => ({ path: `job "${j.name}"`, message: j.reason })),
      ...(jobs.length > LISTED_JOBS ? [{ path: 'jobs', message: `… and ${jobs.length - LISTED_JOBS} more` }] : []),
    ],
  });
}
