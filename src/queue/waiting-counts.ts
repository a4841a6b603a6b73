/**
 * The registered queues (optionally of one workflow) and how many entries wait to be taken in
 * each (BullMQ's `wait` list and `prioritized` set; jobgraph never delays an entry), in one
 * round trip: a Lua script reads the queue registry and counts every queue it names, where
 * listing and then counting took two. The worker's full round (pull-loop.ts) and bounded
 * promotion's refill (job-producer.ts, after every completion batch) both ask it.
 */
import type { QueueKeys } from 'bullmq';
import type { Redis } from 'ioredis';

/** One registered queue and its waiting entries. */
export interface QueueCount {
  name: string;
  waiting: number;
}

const COMMAND = 'jobgraphQueueCounts';

/**
 * KEYS[1]: the queue registry. ARGV[1]: what a queue's keys start with before its name;
 * ARGV[2], ARGV[3]: what its wait and prioritized keys end with after it; ARGV[4]: the
 * names' prefix to keep ('' keeps all). Answers name, count, name, count, ….
 */
const LUA = `
local out = {}
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if ARGV[4] == '' or string.sub(name, 1, #ARGV[4]) == ARGV[4] then
    out[#out + 1] = name
    out[#out + 1] = redis.call('LLEN', ARGV[1] .. name .. ARGV[2]) + redis.call('ZCARD', ARGV[1] .. name .. ARGV[3])
  end
end
return out
`;

type WithCommand = Redis & {
  [COMMAND](
    registry: string,
    head: string,
    waitTail: string,
    prioritizedTail: string,
    only: string,
  ): Promise<unknown[]>;
};

const defined = new WeakSet<Redis>();

/**
 * The queues in the registry at `registryKey` whose names start with `namePrefix` ('' for
 * every one), each with its waiting entries, in registry order.
 */
export async function registeredQueueCounts(
  connection: Redis,
  keys: QueueKeys,
  registryKey: string,
  namePrefix = '',
): Promise<QueueCount[]> {
  if (!defined.has(connection)) {
    // EVALSHA from then on (ioredis loads the script again after a Redis restart).
    connection.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA });
    defined.add(connection);
  }
  // BullMQ's own key layout, with a marker where the queue name goes.
  const [head, waitTail] = keys.toKey('\n', 'wait').split('\n') as [string, string];
  const prioritizedTail = keys.toKey('\n', 'prioritized').split('\n')[1]!;
  const reply = await (connection as WithCommand)[COMMAND](registryKey, head, waitTail, prioritizedTail, namePrefix);
  const out: QueueCount[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push({ name: String(reply[i]), waiting: Number(reply[i + 1]) });
  return out;
}
