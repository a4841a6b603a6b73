/**
 * The producer side of the queues: adds claimed job attempts to the BullMQ queue of their
 * (workflow, resource class), idempotently, and answers whether an attempt still has a
 * queue entry (for the scheduler's reconcile).
 */
import { Queue, QueueKeys } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../core/logger.js';
import type { JobPayload } from './job-payload.js';
import { bullJobId, parseQueueName, queueName, queueRegistryKey } from './queue-names.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';
import { resourceClassName } from './resource-class.js';
import { registeredQueueCounts } from './waiting-counts.js';

/** Options for {@link JobProducer}. */
export interface JobProducerOptions {
  redisUrl: string;
  /** BullMQ key prefix (`JOBGRAPH_QUEUE_PREFIX`); also namespaces the queue registry. */
  prefix: string;
  /** @default silentLogger */
  logger?: Logger;
  /** Aborted when the process shuts down: a lost connection is not made again (see redis-connection.ts). */
  closing?: AbortSignal;
}

/** The queue a payload belongs in: its workflow's queue for its resource class. */
export function queueNameOf(payload: JobPayload): string {
  return queueName(payload.workflow, resourceClassName(payload.resources));
}

/** A payload's queue entry: named for the dashboard, idempotent by its id, removed once finished. */
function entryOf(payload: JobPayload) {
  return {
    // The dashboard lists entries by this name: a person knows the job's name, not its key.
    name: payload.name ?? payload.job,
    data: payload,
    opts: {
      jobId: bullJobId(payload.workflow, payload.job, payload.attempt),
      removeOnComplete: true,
      removeOnFail: true,
      ...(payload.attempt > 1 && { lifo: true }),
    },
  };
}

function groupByQueue(payloads: JobPayload[]): Map<string, JobPayload[]> {
  const groups = new Map<string, JobPayload[]>();
  payloads.forEach((payload) => {
    const name = queueNameOf(payload);
    const group = groups.get(name);
    if (group) group.push(payload);
    else groups.set(name, [payload]);
  });
  return groups;
}

export class JobProducer {
  private readonly connection: Redis;
  private readonly keys: QueueKeys;
  private readonly queues = new Map<string, Queue<JobPayload>>();
  private readonly prefix: string;
  private readonly logger: Logger;
  private closed = false;

  constructor(opts: JobProducerOptions) {
    this.prefix = opts.prefix;
    this.logger = opts.logger ?? silentLogger;
    // One connection for every queue: a workflow may have many resource classes, and a
    // scheduler serves many workflows.
    this.keys = new QueueKeys(opts.prefix);
    this.connection = createRedisConnection(opts.redisUrl, {
      connectionName: `${opts.prefix}:producer`,
      closing: opts.closing,
    });
    this.connection.on('error', (err: Error) => this.logger.warn({ err }, 'producer redis connection error'));
  }

  /**
   * Add each payload to its queue with BullMQ id `workflow.job.attempt`, so adding an
   * attempt that is already there adds nothing. Entries are removed once finished: the
   * graph keeps the outcome. Registers the queue names in the queue registry set. A later
   * attempt (a retry, a re-run after an interruption or a lost worker) goes to the head of its
   * queue: its job has waited its turn once already.
   * @returns the names of the queues added to (the caller announces them on `queued`).
   */
  async enqueue(payloads: JobPayload[]): Promise<string[]> {
    if (payloads.length === 0) return [];
    const groups = groupByQueue(payloads);
    const names = [...groups.keys()];
    // Registry and adds go out together (one round trip on the shared connection); both are
    // done before the caller announces the queues, so a worker told of a queue can find it.
    await Promise.all([
      this.connection.sadd(queueRegistryKey(this.prefix), ...names),
      ...names.map((name) => {
        const group = groups.get(name)!;
        // One entry (each link of a chain): BullMQ's add, without addBulk's MULTI, costs about half.
        if (group.length === 1) {
          const entry = entryOf(group[0]!);
          return this.queue(name).add(entry.name, entry.data, entry.opts);
        }
        return this.queue(name).addBulk(group.map(entryOf));
      }),
    ]);
    return names;
  }

  /** Per payload, in order: whether its attempt has an entry in its queue (waiting, active, or any other state). */
  async presentIds(payloads: JobPayload[]): Promise<boolean[]> {
    if (payloads.length === 0) return [];
    const pipeline = this.connection.pipeline();
    for (const payload of payloads) {
      const key = this.queue(queueNameOf(payload)).toKey(bullJobId(payload.workflow, payload.job, payload.attempt));
      pipeline.exists(key);
    }
    const replies = (await pipeline.exec()) ?? [];
    return payloads.map((_, i) => {
      const [err, count] = replies[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return count === 1;
    });
  }

  /**
   * Of `payloads` (attempts the graph still has `queued`), re-add those whose entry was
   * taken by a consumer that then vanished: the entry is stuck `active` (it has a
   * `processedOn`) but its lock has expired, so no worker will ever ack it and the
   * reconcile, seeing an entry, would never re-add it. Such an entry is removed and added
   * again. Consumers ack within one start call, far below the lock's 30 s, so an expired
   * lock means the taker is gone (or so slow that the graph refuses its start anyway).
   * @returns the queue names re-added to (the caller announces them on `queued`) and how many entries.
   */
  async recoverAbandoned(payloads: JobPayload[]): Promise<{ queues: string[]; count: number }> {
    if (payloads.length === 0) return { queues: [], count: 0 };
    const pipeline = this.connection.pipeline();
    for (const payload of payloads) {
      const key = this.queue(queueNameOf(payload)).toKey(bullJobId(payload.workflow, payload.job, payload.attempt));
      pipeline.hget(key, 'processedOn');
      pipeline.exists(`${key}:lock`);
    }
    const replies = (await pipeline.exec()) ?? [];
    const abandoned = payloads.filter((_, i) => {
      const [e1, processedOn] = replies[2 * i] ?? [null, null];
      const [e2, locked] = replies[2 * i + 1] ?? [null, 1];
      if (e1) throw e1;
      if (e2) throw e2;
      return processedOn !== null && locked === 0;
    });
    if (abandoned.length === 0) return { queues: [], count: 0 };
    await Promise.all(
      abandoned.map(async (p) => {
        const id = bullJobId(p.workflow, p.job, p.attempt);
        // A consumer that took it meanwhile holds a lock: remove refuses, and the add below is a no-op.
        await this.queue(queueNameOf(p))
          .remove(id)
          .catch((err: unknown) => this.logger.debug({ err, id }, 'abandoned entry not removed'));
      }),
    );
    return { queues: await this.enqueue(abandoned), count: abandoned.length };
  }

  /**
   * The entries waiting to be taken in each queue of `workflow` (not the ones a worker
   * holds), by queue name, for bounded promotion: one round trip (waiting-counts.ts).
   */
  async waitingCounts(workflow: string): Promise<Map<string, number>> {
    const counts = await registeredQueueCounts(
      this.connection,
      this.keys,
      queueRegistryKey(this.prefix),
      `${workflow}.`,
    );
    return new Map(
      counts
        .filter(({ name }) => parseQueueName(name)?.workflow === workflow)
        .map(({ name, waiting }) => [name, waiting]),
    );
  }

  /**
   * Retire the queues of a workflow that will get no more entries (it finished): drop them
   * from the queue registry, so workers and the queue dashboard stop listing them, delete
   * their Redis keys, and close the cached Queue objects, so a long-running scheduler does
   * not keep one per workflow ever seen. A restart enqueues again, which registers and opens
   * them anew; an entry lost to a restart racing this is re-added by the reconcile (queues
   * are derived state).
   */
  async forgetWorkflow(workflow: string): Promise<void> {
    const ofWorkflow = (name: string) => parseQueueName(name)?.workflow === workflow;
    const registered = (await this.connection.smembers(queueRegistryKey(this.prefix))).filter(ofWorkflow);
    if (registered.length > 0) await this.connection.srem(queueRegistryKey(this.prefix), ...registered);
    await Promise.allSettled(registered.map((name) => this.queue(name).obliterate({ force: true })));
    const closing: Array<Promise<void>> = [];
    for (const [name, queue] of this.queues) {
      if (!ofWorkflow(name)) continue;
      this.queues.delete(name);
      closing.push(queue.close());
    }
    await Promise.allSettled(closing);
  }

  /** Close every queue and the shared connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await closeRedisConnection(this.connection);
  }

  private queue(name: string): Queue<JobPayload> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<JobPayload>(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (err: Error) => this.logger.warn({ err, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }
}
