/**
 * Worker heartbeats in Redis (decision 0004): each worker keeps a key
 * `{prefix}:jobgraph:worker:{id}` alive by setting it every `intervalMs` with a TTL of
 * `ttlMs`; the scheduler's lost-worker watchdog asks which keys exist. A worker that dies
 * (kill -9, node lost, network cut) stops refreshing its key and Redis expires it —
 * no graph write per beat, and a restart of the API does not make workers look dead.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../core/logger.js';
import {
  encodeHeartbeat,
  parseHeartbeat,
  type HeartbeatReport,
  type HeldAttempt,
  type WorkerSize,
} from './heartbeat-report.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';

/** The Redis key of one worker's heartbeat. */
export function heartbeatKey(prefix: string, workerId: string): string {
  return `${prefix}:jobgraph:worker:${workerId}`;
}

/** Options of {@link WorkerHeartbeat}. */
export interface WorkerHeartbeatOptions {
  redisUrl: string;
  prefix: string;
  workerId: string;
  /** Time between beats. */
  intervalMs: number;
  /** Lifetime of each beat; longer than `intervalMs`, so one late beat is not a death. */
  ttlMs: number;
  /** @default silentLogger */
  logger?: Logger;
  /** Aborted when the worker stops: a lost connection is not made again (see redis-connection.ts). */
  closing?: AbortSignal;
  /**
   * Told of each beat Redis acknowledged, with the `performance.now()` at which it was *sent*:
   * the key lives at least `ttlMs` from then (self-fencing measures from it, core/fencing.ts).
   */
  onRenewed?: (sentAt: number) => void;
  /**
   * The attempts the worker holds, read as each beat is built and listed in it (see
   * heartbeat-report.ts). Absent: the beat lists nothing, and the scheduler's backstop for
   * attempts the worker does not hold is off for this worker.
   */
  held?: () => readonly HeldAttempt[];
  /** The size the worker offers, put in each beat: the scheduler tells jobs no worker fits (issue 11). */
  capacity?: WorkerSize;
}

/** The worker side: beats until stopped; a clean stop deletes the key. */
export class WorkerHeartbeat {
  private readonly connection: Redis;
  private readonly key: string;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;
  private seq = 0;

  constructor(private readonly opts: WorkerHeartbeatOptions) {
    this.key = heartbeatKey(opts.prefix, opts.workerId);
    this.connection = createRedisConnection(opts.redisUrl, {
      connectionName: `${opts.prefix}:heartbeat`,
      closing: opts.closing,
    });
    this.connection.on('error', (err: Error) =>
      (opts.logger ?? silentLogger).debug({ err }, 'heartbeat redis connection error'),
    );
  }

  /** Beat once now (resolves when Redis has it) and then every `intervalMs`. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stop beating and delete the key: a worker that stops cleanly is not reported lost. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    const deleted =
      this.connection.status === 'ready' ? this.connection.del(this.key).catch(() => undefined) : undefined;
    // The QUIT goes after the DEL on the same connection, and the close is bounded: a Redis that
    // stopped answering cannot hold the stop, and the key then simply expires.
    await closeRedisConnection(this.connection);
    await deleted;
  }

  private async beat(): Promise<void> {
    // While Redis is unreachable a beat waits for the reconnect; stacking more behind it gains nothing.
    if (this.inFlight || this.stopped) return;
    this.inFlight = true;
    try {
      // Built only once the previous beat is written (inFlight): beat n + 2 is built after
      // anyone read beat n — the ordering the scheduler's backstop relies on.
      const value = encodeHeartbeat(++this.seq, this.opts.held?.(), new Date(), this.opts.capacity);
      const sentAt = performance.now();
      await this.connection.set(this.key, value, 'PX', this.opts.ttlMs);
      if (!this.stopped) this.opts.onRenewed?.(sentAt);
    } catch (err) {
      (this.opts.logger ?? silentLogger).warn({ err }, 'heartbeat failed');
    } finally {
      this.inFlight = false;
    }
  }
}

/** `text` as a literal in a Redis MATCH pattern. */
function globEscaped(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** A live worker's heartbeat as read by {@link WorkerLiveness.heartbeats}. */
export interface HeartbeatRead {
  report: HeartbeatReport | undefined;
}

/** The scheduler side: which workers have a live heartbeat. */
export class WorkerLiveness {
  private readonly connection: Redis;

  /** @param options.closing aborted when the process shuts down (see redis-connection.ts) */
  constructor(
    redisUrl: string,
    private readonly prefix: string,
    options: { closing?: AbortSignal } = {},
  ) {
    this.connection = createRedisConnection(redisUrl, {
      connectionName: `${prefix}:liveness`,
      closing: options.closing,
    });
    this.connection.on('error', () => undefined);
  }

  /**
   * Per worker id, in order, in one round trip: undefined when its heartbeat key is missing
   * (not alive); otherwise what the beat says (`report` absent for an older worker's plain beat).
   */
  async heartbeats(workerIds: readonly string[]): Promise<Array<HeartbeatRead | undefined>> {
    if (workerIds.length === 0) return [];
    const values = await this.connection.mget(workerIds.map((id) => heartbeatKey(this.prefix, id)));
    return values.map((v) => (v === null ? undefined : { report: parseHeartbeat(v) }));
  }

  /**
   * The sizes of every worker with a live heartbeat that states one (older workers do not).
   * One SCAN over the heartbeat keys and one MGET: workers are few, and this runs on the
   * scheduler's periodic pass only.
   */
  async capacities(): Promise<WorkerSize[]> {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.connection.scan(
        cursor,
        'MATCH',
        `${globEscaped(heartbeatKey(this.prefix, ''))}*`,
        'COUNT',
        500,
      );
      for (const k of batch) keys.add(k);
      cursor = next;
    } while (cursor !== '0');
    if (keys.size === 0) return [];
    const values = await this.connection.mget([...keys]);
    return values.flatMap((v) => parseHeartbeat(v)?.capacity ?? []);
  }

  /** Per worker id, in order: whether its heartbeat key exists. */
  async alive(workerIds: readonly string[]): Promise<boolean[]> {
    return (await this.heartbeats(workerIds)).map((h) => h !== undefined);
  }

  async close(): Promise<void> {
    await closeRedisConnection(this.connection);
  }
}
