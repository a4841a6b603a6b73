/**
 * The consumer side of the queues, for workers: list the queues, take the next waiting
 * entry of one queue without blocking, acknowledge it once the API has answered the start.
 *
 * BullMQ "manual processing": a `Worker` with no processor, `autorun: false`, driven by
 * `getNextJob(token, { block: false })`. A stock Worker opens a dedicated blocking
 * connection per queue; the consumer never blocks (it waits on the `queued` channel and
 * its own idle poll instead), so its Workers are built without one and every queue shares
 * one Redis connection. Connections are therefore constant: the shared one plus the
 * Notifier's two once `onQueued` is used.
 */
import { createRedisBackend, QueueKeys, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomKey } from '../core/keys.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { zodIssues } from '../core/zod-issues.js';
import { JobPayloadSchema, type JobPayload } from './job-payload.js';
import { Notifier } from './notifications.js';
import { parseQueueName, queueRegistryKey } from './queue-names.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';
import type { ResourceClass } from './resource-class.js';
import { registeredQueueCounts } from './waiting-counts.js';

/** Options for {@link JobConsumer}. */
export interface JobConsumerOptions {
  redisUrl: string;
  /** BullMQ key prefix the scheduler uses (learned from the API). */
  prefix: string;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Aborted when the worker stops: lost connections (this one's and its notifier's) are not
   * made again, and a take or an ack waiting for one fails at once (see redis-connection.ts).
   */
  closing?: AbortSignal;
  /**
   * The hints' notifier of the process the worker shares with the scheduler (`jobgraph run`):
   * a `queued` hint then reaches the worker without a round trip through Redis (notifications.ts).
   * The consumer only subscribes and unsubscribes on it; its owner closes it. Absent: the
   * consumer opens its own on `redisUrl`.
   */
  notifier?: Notifier;
}

/** A queue of the registry: one (workflow, resource class). */
export interface ConsumerQueue {
  name: string;
  workflow: string;
  resourceClass: ResourceClass;
}

/** An entry taken from a queue and locked for this consumer until {@link JobConsumer.ack}. */
export interface TakenJob {
  queue: string;
  /** BullMQ job id, `workflow.job.attempt`. */
  id: string;
  payload: JobPayload;
}

/** Workers kept before those of drained queues are dropped. */
const KEPT_WORKERS = 64;

interface Lease {
  job: Job<unknown>;
  token: string;
}

export class JobConsumer {
  private readonly connection: Redis;
  private readonly prefix: string;
  private readonly redisUrl: string;
  private readonly logger: Logger;
  private readonly workers = new Map<string, Worker<unknown>>();
  private readonly leases = new WeakMap<TakenJob, Lease>();
  /** Taken, not yet acked entries per queue: a queue's Worker is dropped only when it holds none. */
  private readonly outstanding = new Map<string, number>();
  private readonly keys: QueueKeys;
  /** Queues whose last take found nothing. */
  private readonly drained = new Set<string>();
  private readonly tokenBase = `jg-${randomKey(8)}`;
  private tokenCounter = 0;
  private notifier: Notifier | undefined;
  /** The notifier given in the options (its owner closes it), and the subscriptions made on it, undone at close. */
  private readonly sharedNotifier: Notifier | undefined;
  private readonly shared: Array<{ channel: 'queued' | 'cancel'; cb: (names: string[]) => void }> = [];
  private readonly closing: AbortSignal | undefined;
  private closed = false;

  constructor(opts: JobConsumerOptions) {
    this.prefix = opts.prefix;
    this.keys = new QueueKeys(opts.prefix);
    this.redisUrl = opts.redisUrl;
    this.logger = opts.logger ?? silentLogger;
    this.closing = opts.closing;
    this.sharedNotifier = opts.notifier;
    this.notifier = opts.notifier;
    this.connection = createRedisConnection(opts.redisUrl, {
      connectionName: `${opts.prefix}:consumer`,
      closing: opts.closing,
    });
    // Each per-queue Worker attaches its listeners to the shared client; a worker serving
    // many workflows legitimately exceeds Node's default of 10.
    this.connection.setMaxListeners(0);
    this.connection.on('error', (err: Error) => this.logger.warn({ err }, 'consumer redis connection error'));
  }

  /**
   * The registered queues (optionally only those of one workflow), each with how many entries
   * wait in it, in one round trip: an idle worker polls Redis once, whatever the number of
   * queues. Unparseable names are skipped.
   */
  async waitingQueues(workflow?: string): Promise<Array<ConsumerQueue & { waiting: number }>> {
    const counts = await registeredQueueCounts(
      this.connection,
      this.keys,
      queueRegistryKey(this.prefix),
      workflow === undefined ? '' : `${workflow}.`,
    );
    const out: Array<ConsumerQueue & { waiting: number }> = [];
    for (const { name, waiting } of counts) {
      const parsed = parseQueueName(name);
      if (!parsed) continue;
      if (workflow !== undefined && parsed.workflow !== workflow) continue;
      out.push({ name, ...parsed, waiting });
    }
    return out;
  }

  /**
   * The next waiting entry of `queue`, locked for this consumer; undefined when none is
   * waiting. Never blocks. An entry whose payload is malformed is removed and the next
   * one is tried.
   */
  async take(queue: string): Promise<TakenJob | undefined> {
    const worker = this.worker(queue);
    for (;;) {
      if (this.closed) return undefined;
      const token = `${this.tokenBase}:${++this.tokenCounter}`;
      const job = (await worker.getNextJob(token, { block: false })) as Job<unknown> | undefined;
      if (!job) {
        await this.noteDrained(queue);
        return undefined;
      }
      this.drained.delete(queue);
      const parsed = JobPayloadSchema.safeParse(job.data);
      if (parsed.success) {
        const taken: TakenJob = { queue, id: String(job.id), payload: parsed.data };
        this.leases.set(taken, { job, token });
        this.outstanding.set(queue, (this.outstanding.get(queue) ?? 0) + 1);
        return taken;
      }
      this.logger.warn(
        { queue, id: job.id, issues: zodIssues(parsed.error) },
        'dropping queue entry with a malformed payload',
      );
      await this.finish(job, token);
    }
  }

  /**
   * Remove a taken entry from its queue: called once the API accepted or refused its
   * start. From then on the graph is the truth. Idempotent per taken job.
   */
  async ack(taken: TakenJob): Promise<void> {
    const lease = this.leases.get(taken);
    if (!lease) return;
    this.leases.delete(taken);
    try {
      await this.finish(lease.job, lease.token);
    } finally {
      const left = (this.outstanding.get(taken.queue) ?? 1) - 1;
      if (left > 0) this.outstanding.set(taken.queue, left);
      else this.outstanding.delete(taken.queue);
    }
  }

  /**
   * Call `cb` with the queue names of each `queued` announcement. Hints only: the
   * caller's idle poll covers a lost message. Resolves once subscribed.
   */
  async onQueued(cb: (queues: string[]) => void): Promise<void> {
    await this.subscribe('queued', cb);
  }

  /**
   * Call `cb` with the BullMQ job ids (`workflow.job.attempt`) of each `cancel`
   * announcement: running attempts whose jobs were canceled. Resolves once subscribed.
   */
  async onCancel(cb: (ids: string[]) => void): Promise<void> {
    await this.subscribe('cancel', cb);
  }

  private async subscribe(channel: 'queued' | 'cancel', cb: (names: string[]) => void): Promise<void> {
    if (this.sharedNotifier) this.shared.push({ channel, cb });
    this.notifier ??= new Notifier(this.redisUrl, this.prefix, { closing: this.closing });
    await this.notifier.subscribe(channel, cb);
  }

  /** Close every per-queue Worker, the notifier and the shared connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.workers.values()].map((w) => w.close(true)));
    this.workers.clear();
    if (this.sharedNotifier)
      await Promise.allSettled(this.shared.splice(0).map(({ channel, cb }) => this.notifier!.unsubscribe(channel, cb)));
    else await this.notifier?.close();
    await closeRedisConnection(this.connection);
  }

  /** Complete (and so remove) an entry; when its lock is already gone, remove it directly. */
  private async finish(job: Job<unknown>, token: string): Promise<void> {
    try {
      await job.moveToCompleted(null, token, false);
      // Entries added without removeOnComplete would linger as "completed" and make the
      // scheduler's reconcile think the attempt is still queued.
      if (job.opts.removeOnComplete !== true) await job.remove();
    } catch (err) {
      // The lock expired (the start call took longer than lockDuration): the entry is
      // active but unlocked, which `remove` accepts.
      try {
        await job.remove();
      } catch {
        this.logger.warn({ err, id: job.id }, 'could not remove a queue entry');
      }
    }
  }

  /**
   * Note a drained queue; once more than {@link KEPT_WORKERS} Workers exist, forget those
   * of drained queues (unless entries taken from them await their ack): the registry only
   * grows, and a long-lived worker should not keep an object per queue it ever touched.
   * Hot queues keep theirs (making one again costs a round trip).
   */
  private async noteDrained(queue: string): Promise<void> {
    this.drained.add(queue);
    if (this.workers.size <= KEPT_WORKERS) return;
    const dropped: Array<Worker<unknown>> = [];
    for (const name of this.drained) {
      const worker = this.workers.get(name);
      if (worker && !this.outstanding.has(name)) {
        this.workers.delete(name);
        this.drained.delete(name);
        dropped.push(worker);
      }
    }
    await Promise.all(
      dropped.map((w) =>
        w.close().catch((err: unknown) => this.logger.debug({ err, queue: w.name }, 'closing a queue consumer failed')),
      ),
    );
  }

  private worker(queue: string): Worker<unknown> {
    let worker = this.workers.get(queue);
    if (!worker) {
      worker = new Worker<unknown>(
        queue,
        null,
        {
          connection: this.connection,
          prefix: this.prefix,
          autorun: false,
          skipVersionCheck: true,
          skipStalledCheck: true,
          skipLockRenewal: true,
        },
        // No dedicated blocking connection: `take` never blocks.
        (name, opts, options) => createRedisBackend(name, opts, { ...options, withBlockingConnection: false }),
      );
      worker.on('error', (err: Error) => this.logger.warn({ err, queue }, 'queue consumer error'));
      this.workers.set(queue, worker);
    }
    return worker;
  }
}
