/**
 * The pure part of starting a workflow, shared by every GraphStore adapter: derive
 * `blocks` edges from file and user-data relations, check for cycles, and compute each
 * job's counter and first status. O(V + E) plus the derived pairs; no I/O.
 *
 * Everything is in KEY form (`"wf-job1"`, not `"jobs/wf-job1"`): adapters strip the
 * collection prefix from `_from` / `_to` before calling and add it back to write edges.
 */
import { CycleError } from '../core/errors.js';
import { findNumberedCycle } from '../core/find-cycle.js';
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
function byResource(pairs: readonly KeyPair[], known: ReadonlyMap<string, unknown>): Map<string, string[]> {
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
  // Jobs by number (their place in input.jobs): the cycle check and the counters work on
  // typed arrays, not on Maps of a million keys.
  const { jobs: inputJobs } = input;
  const index = new Map<string, number>();
  inputJobs.forEach((j, i) => index.set(j._key, i));
  const known = ([from, to]: KeyPair) => index.has(from) && index.has(to);
  const derivedBlocks: Array<[string, string]> = [];
  const derives =
    (input.produces.length > 0 && input.needs.length > 0) || (input.stores.length > 0 && input.consumes.length > 0);
  if (derives) {
    // Only derivation needs the existing pairs as strings (to skip duplicates): a plain sweep
    // with a million `blocks` edges and no file relations never builds this set.
    const seen = new Set<string>();
    for (const pair of input.blocks) if (known(pair)) seen.add(`${pair[0]}\u0000${pair[1]}`);
    const derive = (writers: readonly KeyPair[], readers: readonly KeyPair[]) => {
      const writersOf = byResource(writers, index);
      for (const [resource, readerJobs] of byResource(readers, index)) {
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
  // Every blocks pair between known jobs, existing then derived, by number.
  const from: number[] = [];
  const to: number[] = [];
  const add = ([a, b]: KeyPair) => {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) return;
    from.push(i);
    to.push(j);
  };
  input.blocks.forEach(add);
  derivedBlocks.forEach(add);
  index.clear();

  const cycle = findNumberedCycle(inputJobs.length, { from, to });
  if (cycle) throw new CycleError(cycle.map((i) => inputJobs[i]!.name));

  // A disabled job never runs: waiting for it would wait forever.
  const counters = new Int32Array(inputJobs.length);
  for (let e = 0; e < from.length; e++) if (inputJobs[from[e]!]!.status !== 'disabled') counters[to[e]!]!++;
  const jobs: JobInitialization[] = [];
  let ready = 0;
  inputJobs.forEach((job, i) => {
    if (job.status === 'disabled') return;
    const n = counters[i]!;
    if (n === 0) ready++;
    jobs.push({ _key: job._key, status: n === 0 ? 'ready' : 'blocked', unfinished_blockers: n });
  });
  return { derivedBlocks, jobs, ready, blocked: jobs.length - ready };
}
