/**
 * The one way this project opens a Redis connection for BullMQ.
 *
 * BullMQ 6 accepts either connection options (it then opens and owns its own client per
 * Queue/Worker) or an ioredis instance (then it shares it: a `Queue` never closes it, a
 * `Worker` duplicates it for its blocking fetch). Sharing one client across the many
 * per-(workflow, class) queues keeps the connection count flat, so producers and
 * consumers pass the client made here and close it themselves.
 */
import { Redis } from 'ioredis';

/** Options for {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST`; helps tell the scheduler's and the workers' connections apart. */
  connectionName?: string;
  /**
   * Connect on first command instead of at construction.
   * @default false
   */
  lazyConnect?: boolean;
  /**
   * Aborted when the process shuts down: from then on a lost connection is not made again,
   * and commands waiting for one fail at once ("Connection is closed.") instead of waiting
   * for a Redis that may never come back. A connection that works keeps working.
   */
  closing?: AbortSignal;
}

/**
 * An ioredis client fit to share with BullMQ: `maxRetriesPerRequest: null` is required by
 * BullMQ for any client a Worker may duplicate into a blocking connection (it throws
 * otherwise), and makes commands wait out a Redis restart instead of failing.
 * The caller owns it: close it with {@link closeRedisConnection} after every Queue/Worker
 * using it is closed.
 */
export function createRedisConnection(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  const { closing } = options;
  const client = new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    // ioredis's own schedule (50 ms more per attempt, at most 2 s), until the process shuts down.
    retryStrategy: (attempts) => (closing?.aborted ? null : Math.min(attempts * 50, 2000)),
    // How long `disconnect()` waits for the socket to close before destroying it. ioredis
    // starts that wait even for a socket that is already closed (a client waiting to
    // reconnect), and its default of 2 s then holds a stopping process for nothing. Only
    // connections that failed are disconnected here; working ones are closed with QUIT.
    disconnectTimeout: 100,
  });
  if (closing && !closing.aborted) {
    const onClosing = () => stopReconnecting(client);
    closing.addEventListener('abort', onClosing, { once: true });
    client.once('end', () => closing.removeEventListener('abort', onClosing));
  }
  return client;
}

/**
 * End a client that waits to reconnect. ioredis keeps the commands of such a client queued
 * until a reconnect succeeds, and `disconnect()` alone only cancels the reconnect timer,
 * leaving them queued (and their callers waiting) for ever. One immediate attempt, made after
 * `disconnect()` marked the client as closing, settles it through ioredis's own close path:
 * Redis still gone, the client ends and every queued command is rejected; Redis back, the
 * client connects and runs them.
 */
function stopReconnecting(client: Redis): void {
  if (client.status !== 'reconnecting') return;
  client.disconnect();
  client.connect().catch(() => undefined);
}

/**
 * BullMQ connection options (not an instance) for a `redisUrl`, for callers that want
 * BullMQ to own the connection (e.g. one Worker with its own lifetime).
 */
export function bullConnectionOptions(redisUrl: string): { url: string; maxRetriesPerRequest: null } {
  return { url: redisUrl, maxRetriesPerRequest: null };
}

/**
 * Close a client: `QUIT` when it is connected (Redis finishes what it was sent), bounded by
 * `timeoutMs` since a Redis that stopped answering would hold it; in any other state it ends
 * at once, and commands still waiting for a connection are rejected — a client waiting to
 * reconnect included, so nothing keeps retrying after its owner closed it. Idempotent.
 */
export async function closeRedisConnection(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  stopReconnecting(client);
  if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), timeout]);
  // Read afresh: the QUIT above may have ended it.
  if ((client.status as string) !== 'end') client.disconnect();
  await Promise.race([ended, timeout]);
  clearTimeout(timer);
}
