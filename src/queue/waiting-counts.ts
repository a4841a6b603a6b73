/**
 * How many entries wait to be taken in each of some queues (BullMQ's `wait` list and
 * `prioritized` set; jobgraph never delays an entry), in one pipelined round trip. The
 * worker polls with it (job-consumer.ts) and bounded promotion sizes its refills with it
 * (job-producer.ts).
 */
import type { QueueKeys } from 'bullmq';
import type { Redis } from 'ioredis';

/** Per queue, in order: its waiting entries. */
export async function waitingCounts(connection: Redis, keys: QueueKeys, queues: readonly string[]): Promise<number[]> {
  if (queues.length === 0) return [];
  const pipeline = connection.pipeline();
  for (const q of queues) {
    pipeline.llen(keys.toKey(q, 'wait'));
    pipeline.zcard(keys.toKey(q, 'prioritized'));
  }
  const replies = (await pipeline.exec()) ?? [];
  const count = (reply: [Error | null, unknown] | undefined) => {
    if (!reply) return 0;
    if (reply[0]) throw reply[0];
    return Number(reply[1]);
  };
  return queues.map((_, i) => count(replies[2 * i]) + count(replies[2 * i + 1]));
}
