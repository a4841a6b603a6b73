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
}

/**
 * An ioredis client fit to share with BullMQ: `maxRetriesPerRequest: null` is required by
 * BullMQ for any client a Worker may duplicate into a blocking connection (it throws
 * otherwise), and makes commands wait out a Redis restart instead of failing.
 * The caller owns it: close it with {@link closeRedisConnection} after every Queue/Worker
 * using it is closed.
 */
export function createRedisConnection(redisUrl: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  });
}

/**
 * BullMQ connection options (not an instance) for a `redisUrl`, for callers that want
 * BullMQ to own the connection (e.g. one Worker with its own lifetime).
 */
export function bullConnectionOptions(redisUrl: string): { url: string; maxRetriesPerRequest: null } {
  return { url: redisUrl, maxRetriesPerRequest: null };
}

/**
 * Close a client gracefully (`QUIT`), falling back to a hard disconnect when Redis is
 * unreachable so shutdown never hangs. Idempotent.
 */
export async function closeRedisConnection(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
