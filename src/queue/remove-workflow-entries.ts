/**
 * Removal of a canceled workflow's (or job's) waiting queue entries, so workers do not
 * take and start-refuse them one by one. Best effort by design: queues are derived state
 * and an entry left behind is harmless (its start is refused because the job is no longer
 * `queued`, and the worker drops it). Entries a worker holds (active) are left to it for
 * the same reason.
 */
import { Queue } from 'bullmq';
import { bullJobId, parseQueueName, queueRegistryKey } from './queue-names.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';

/** Options for {@link removeWorkflowEntries}. */
export interface RemoveWorkflowEntriesOptions {
  redisUrl: string;
  /** BullMQ key prefix (`JOBGRAPH_QUEUE_PREFIX`). */
  prefix: string;
  workflow: string;
  /**
   * Only these attempts' entries (job cancel). Absent: every waiting, prioritized and
   * delayed entry of the workflow's queues (workflow cancel).
   */
  attempts?: ReadonlyArray<{ job: string; attempt: number }>;
  /**
   * Give up after this long (Redis unreachable must not hang a cancel request).
   * @default 5000
   */
  timeoutMs?: number;
}

/**
 * Remove the workflow's waiting entries from every one of its queues (those in the queue
 * registry). @returns the names of the queues touched.
 * @throws the Redis error, or an Error on timeout
 */
export async function removeWorkflowEntries(opts: RemoveWorkflowEntriesOptions): Promise<string[]> {
  const connection = createRedisConnection(opts.redisUrl, { connectionName: `${opts.prefix}:cancel` });
  connection.on('error', () => undefined); // surfaced through the commands below
  const queues: Array<Queue> = [];
  let timer: NodeJS.Timeout | undefined;
  const work = async (): Promise<string[]> => {
    const names = (await connection.smembers(queueRegistryKey(opts.prefix))).filter(
      (name) => parseQueueName(name)?.workflow === opts.workflow,
    );
    await Promise.all(
      names.map(async (name) => {
        const queue = new Queue(name, { connection, prefix: opts.prefix });
        queue.on('error', () => undefined);
        queues.push(queue);
        if (opts.attempts === undefined) {
          await queue.drain(true);
        } else {
          // An active (locked) entry is refused by `remove`; its worker drops it after the start.
          await Promise.all(
            opts.attempts.map((a) => queue.remove(bullJobId(opts.workflow, a.job, a.attempt)).catch(() => 0)),
          );
        }
      }),
    );
    return names;
  };
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`removing queue entries timed out after ${opts.timeoutMs ?? 5000} ms`)),
          opts.timeoutMs ?? 5000,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await Promise.allSettled(queues.map((q) => q.close()));
    await closeRedisConnection(connection);
  }
}
