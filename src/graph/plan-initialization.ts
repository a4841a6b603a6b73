/**
 * The pure part of starting a workflow, shared by every GraphStore adapter: derive
 * `blocks` edges from file and user-data relations, check for cycles, and compute each
 * job's counter and first status. O(V + E) plus the derived pairs; no I/O.
 *
 * Everything is in KEY form (`"wf-job1"`, not `"jobs/wf-job1"`): adapters strip the
 * collection prefix from `_from` / `_to` before calling and add it back to write edges.
 */
import { CycleError } from '../core/errors.js';
import { findCycle } from '../core/find-cycle.js';
import type { JobStatus } from '../core/model.js';

/** A pair of keys `[from, to]` as the edge runs (`[job, file]` for needs, `[blocker, blocked]` for blocks). */
export type KeyPair = readonly [string, string];

export interface InitializationInput {
  jobs: ReadonlyArray<{ _key: string; name: string; status: JobStatus }>;
  /** Existing `blocks` edges: [blocker job, blocked job]. */
  blocks: readonly KeyPair[];
  /** [job, file] */
  produces: readonly KeyPair[];
  /** [job, file] */
  needs: readonly KeyPair[];
  /** [job, user_data] */
  stores: readonly KeyPair[];
  /** [job, user_data] */
  consumes: readonly KeyPair[];
}

export interface JobInitialization {
  _key: string;
  status: 'ready' | 'blocked';
  unfinished_blockers: number;
}

export interface InitializationPlan {
  /** `blocks` edges to add, [blocker, blocked]: one per job pair, none already present, no self-edges. */
  derivedBlocks: Array<[string, string]>;
  /** Every job that is not `disabled`, with its counter and first status. */
  jobs: JobInitialization[];
  ready: number;
  blocked: number;
}

/** Group `[member, resource]` pairs by resource. */
function byResource(pairs: readonly KeyPair[], known: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [job, resource] of pairs) {
    if (!known.has(job)) continue;
    let list = out.get(resource);
    if (!list) out.set(resource, (list = []));
    list.push(job);
  }
  return out;
}

/**
 * Plan a workflow's initialization.
 *
 * Rules: a job that produces a file blocks every job that needs it; one that stores user
 * data blocks every job that consumes it (a job reading what it writes itself is not
 * blocked by itself). Edges naming unknown jobs are ignored. A job's
 * `unfinished_blockers` counts its `blocks` edges from non-disabled jobs: a disabled job
 * never runs, so waiting for it would wait forever. Disabled jobs keep their state.
 * @throws CycleError with the job NAMES on the cycle (first repeated last)
 */
export function planInitialization(input: InitializationInput): InitializationPlan {
  const jobKeys = new Set(input.jobs.map((j) => j._key));
  const known = ([from, to]: KeyPair) => jobKeys.has(from) && jobKeys.has(to);
  const derivedBlocks: Array<[string, string]> = [];
  const derives =
    (input.produces.length > 0 && input.needs.length > 0) || (input.stores.length > 0 && input.consumes.length > 0);
  if (derives) {
    // Only derivation needs the existing pairs as strings (to skip duplicates): a plain sweep
    // with a million `blocks` edges and no file relations never builds this set.
    const seen = new Set<string>();
    for (const pair of input.blocks) if (known(pair)) seen.add(`${pair[0]}\u0000${pair[1]}`);
    const derive = (writers: readonly KeyPair[], readers: readonly KeyPair[]) => {
      const writersOf = byResource(writers, jobKeys);
      for (const [resource, readerJobs] of byResource(readers, jobKeys)) {
        for (const writer of writersOf.get(resource) ?? []) {
          for (const reader of readerJobs) {
            const pair = `${writer}\u0000${reader}`;
            if (writer === reader || seen.has(pair)) continue;
            seen.add(pair);
            derivedBlocks.push([writer, reader]);
          }
        }
      }
    };
    derive(input.produces, input.needs);
    derive(input.stores, input.consumes);
  }
  // Every blocks pair between known jobs, existing then derived, without copying the existing ones.
  function* all(): Generator<KeyPair> {
    for (const pair of input.blocks) if (known(pair)) yield pair;
    yield* derivedBlocks;
  }

  const cycle = findCycle(jobKeys, all());
  if (cycle) {
    const names = new Map(input.jobs.map((j) => [j._key, j.name]));
    throw new CycleError(cycle.map((k) => names.get(k) ?? k));
  }

  const disabled = new Set<string>();
  for (const job of input.jobs) if (job.status === 'disabled') disabled.add(job._key);
  const counters = new Map<string, number>();
  for (const [from, to] of all()) {
    if (disabled.has(from)) continue;
    counters.set(to, (counters.get(to) ?? 0) + 1);
  }
  const jobs: JobInitialization[] = [];
  let ready = 0;
  for (const job of input.jobs) {
    if (job.status === 'disabled') continue;
    const n = counters.get(job._key) ?? 0;
    if (n === 0) ready++;
    jobs.push({ _key: job._key, status: n === 0 ? 'ready' : 'blocked', unfinished_blockers: n });
  }
  return { derivedBlocks, jobs, ready, blocked: jobs.length - ready };
}
