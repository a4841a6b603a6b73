/**
 * Promotion: `ready` jobs → `queued` in the graph → an entry in the BullMQ queue of their
 * (workflow, resource class) → a `queued` hint to workers.
 *
 * The graph claim comes first: a crash between claim and enqueue leaves a `queued` job
 * without a queue entry, which reconcile-queued-jobs repairs. The other order could leave
 * a queue entry for a job the graph still calls `ready`, and promote it twice.
 */
import type { Logger } from '../core/logger.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { JobProducer } from '../queue/job-producer.js';
import type { Notifier } from '../queue/notifications.js';
import { jobPayloadOf } from './job-payload-of.js';

/** What promotion needs; the producer and notifier are narrowed so tools can pass their own. */
export interface PromoteDeps {
  store: Pick<GraphStore, 'claimReady'>;
  producer: Pick<JobProducer, 'enqueue'>;
  notifier: Pick<Notifier, 'publish'>;
  logger?: Logger;
}

export interface PromoteOptions {
  /**
   * Jobs claimed per store transaction.
   * @default 1000
   */
  batch?: number;
  /** Only this workflow's jobs. @default every workflow */
  workflow?: string;
  /** Most jobs to promote in all (bounded promotion's budget). @default no limit */
  limit?: number;
}

export interface PromoteOutcome {
  promoted: number;
  /** Workflows that had at least one job promoted (they are certainly not finished). */
  workflows: Set<string>;
}

export const DEFAULT_PROMOTE_BATCH = 1000;

/** Promote until no ready job is left; reports which workflows got jobs. */
export async function promoteReady(deps: PromoteDeps, options: PromoteOptions = {}): Promise<PromoteOutcome> {
  const batch = options.batch ?? DEFAULT_PROMOTE_BATCH;
  const outcome: PromoteOutcome = { promoted: 0, workflows: new Set() };
  let left = options.limit ?? Infinity;
  while (left > 0) {
    const want = Math.min(batch, left);
    const claimed = await deps.store.claimReady(want, options.workflow);
    if (claimed.length === 0) break;
    left -= claimed.length;
    const names = await deps.producer.enqueue(claimed.map(jobPayloadOf));
    await deps.notifier.publish('queued', names);
    outcome.promoted += claimed.length;
    for (const job of claimed) outcome.workflows.add(job.workflow);
    deps.logger?.debug({ promoted: claimed.length, queues: names }, 'promoted ready jobs');
    // A short batch means the store had no more ready jobs at claim time: skip the empty round trip.
    if (claimed.length < want) break;
  }
  return outcome;
}

/**
 * Promote every ready job (optionally of one workflow) into its queue.
 * @returns the number of jobs promoted.
 */
export async function promoteReadyJobs(deps: PromoteDeps, options: PromoteOptions = {}): Promise<number> {
  return (await promoteReady(deps, options)).promoted;
}
