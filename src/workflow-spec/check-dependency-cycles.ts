import { CycleError } from '../core/errors.js';
import { findNumberedCycles } from '../core/find-cycle.js';
import type { ResolvedJob } from './resolve-references.js';

/**
 * Reject a dependency cycle before anything is written. The graph is the explicit
 * `depends_on` edges plus the `blocks` the store derives at start (a file's producer blocks
 * its readers; every storer of a user data blocks its consumers), so a cycle that only
 * appears through files is caught at creation, not at start.
 * @param producer file index → index of the job producing it
 * @throws CycleError naming the jobs on the cycle, first repeated last.
 */
export function checkDependencyCycles(
  jobs: readonly ResolvedJob[],
  jobNames: readonly string[],
  producer: ReadonlyMap<number, number>,
): void {
  const storers = new Map<number, number[]>();
  jobs.forEach((job, j) => {
    for (const u of job.outputUserData) {
      const list = storers.get(u);
      if (list) list.push(j);
      else storers.set(u, [j]);
    }
  });
  // Jobs by their index in `jobs`: no name strings unless there is a cycle to report.
  const from: number[] = [];
  const to: number[] = [];
  jobs.forEach((job, j) => {
    for (const b of job.dependsOn) {
      from.push(b);
      to.push(j);
    }
    for (const f of job.inputFiles) {
      const p = producer.get(f);
      if (p === undefined) continue;
      from.push(p);
      to.push(j);
    }
    for (const u of job.inputUserData)
      for (const s of storers.get(u) ?? []) {
        from.push(s);
        to.push(j);
      }
  });
  const cycles = findNumberedCycles(jobs.length, { from, to }).map((c) => c.map((j) => jobNames[j]!));
  if (cycles.length > 0) throw new CycleError(cycles[0]!, cycles);
}
