/**
 * The safety net of promotion: a job the graph has had `queued` for a while but whose
 * BullMQ entry is gone (the scheduler crashed between claim and enqueue, Redis lost its
 * data, a stalled entry was dropped) is added to its queue again. Queues are derived
 * state, so this also rebuilds them from the graph after a Redis restart without
 * persistence. Re-adding an entry that a worker just finished is harmless: its start is
 * refused because the job is no longer `queued`, and the worker drops it.
 */
import type { Logger } from '../core/logger.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { JobProducer } from '../queue/job-producer.js';
import type { Notifier } from '../queue/notifications.js';
import { jobPayloadOf } from './job-payload-of.js';

export interface ReconcileDeps {
  store: Pick<GraphStore, 'listQueued'>;
  producer: Pick<JobProducer, 'enqueue' | 'presentIds' | 'recoverAbandoned'>;
  notifier: Pick<Notifier, 'publish'>;
  logger?: Logger;
}

export interface ReconcileOptions {
  /**
   * Only jobs queued at least this long ago: younger ones may be between claim and enqueue.
   * @default 10000
   */
  olderThanMs?: number;
  /**
   * Most jobs examined per call.
   * @default 10000
   */
  limit?: number;
  /** The current time (tests move it forward). @default new Date() */
  now?: Date;
}

export const DEFAULT_RECONCILE_AGE_MS = 10_000;

/** @returns the number of queue entries added again. */
export async function reconcileQueuedJobs(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const olderThan = new Date(now.getTime() - (options.olderThanMs ?? DEFAULT_RECONCILE_AGE_MS)).toISOString();
  const queued = await deps.store.listQueued(olderThan, options.limit ?? 10_000);
  if (queued.length === 0) return 0;
  const payloads = queued.map(jobPayloadOf);
  const present = await deps.producer.presentIds(payloads);
  const missing = payloads.filter((_, i) => !present[i]);
  // Entries taken by a worker killed before it acked stay `active` forever (decision 0001).
  const recovered = await deps.producer.recoverAbandoned(payloads.filter((_, i) => present[i]));
  if (recovered.count > 0) {
    await deps.notifier.publish('queued', recovered.queues);
    deps.logger?.warn({ requeued: recovered.count }, 'queue entries taken by a vanished worker were added again');
  }
  if (missing.length === 0) return recovered.count;
  const names = await deps.producer.enqueue(missing);
  await deps.notifier.publish('queued', names);
  deps.logger?.warn(
    { requeued: missing.length, jobs: missing.slice(0, 10).map((p) => `${p.workflow}/${p.job}#${p.attempt}`) },
    'queued jobs had no queue entry; added them again',
  );
  return missing.length + recovered.count;
}
