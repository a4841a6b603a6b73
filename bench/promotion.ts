/**
 * `npm run bench:promotion [-- --jobs N --floor F]`: what starting a large parameterized
 * workflow costs Redis, with bounded promotion (decision 0016) against unbounded promotion
 * (`JOBGRAPH_QUEUE_FLOOR=unbounded`, what every scheduler did before), measured in the same
 * run on the same machine. Each mode gets its own private redis-server and SQLite file; the
 * workflow (N `true` jobs, no worker) is created and started, then the real scheduler runs
 * until its first pass is done. Printed per mode: Redis `used_memory` before creating and
 * after the pass, the entries waiting in the queues, the jobs still `ready` in the graph,
 * and how long the pass took. No worker runs: this measures promotion, not execution.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { silentLogger } from '../src/core/logger.js';
import { openSqliteGraphStore } from '../src/graph/sqlite/sqlite-graph-store.js';
import { JobProducer } from '../src/queue/job-producer.js';
import { Notifier } from '../src/queue/notifications.js';
import { startPrivateRedis } from '../src/queue/private-redis.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { startWorkflow } from '../src/scheduler/start-workflow.js';
import { specToBundle } from '../src/workflow-spec/index.js';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '100000' }, floor: { type: 'string', default: '100' } },
});
const JOBS = Number(values.jobs);
const FLOOR = Number(values.floor);
if (!Number.isInteger(JOBS) || JOBS < 1) throw new Error('--jobs: a positive integer');
if (!Number.isInteger(FLOOR) || FLOOR < 1) throw new Error('--floor: a positive integer');

interface Figures {
  mode: string;
  memoryBefore: number;
  memoryAfter: number;
  waiting: number;
  ready: number;
  promoteMs: number;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function waitingEntries(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  for (const name of await redis.smembers(`${prefix}:jobgraph:queues`))
    total += await redis.llen(`${prefix}:${name}:wait`);
  return total;
}

async function measure(mode: string, floor: number | undefined): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-bench-promotion-'));
  const server = await startPrivateRedis();
  const redis = new Redis(server.url);
  const store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
  const prefix = 'bench';
  const producer = new JobProducer({ redisUrl: server.url, prefix });
  const notifier = new Notifier(server.url, prefix);
  const scheduler = new Scheduler({
    store,
    producer,
    notifier,
    logger: silentLogger,
    // Only the passes asked for: the periodic one would muddle the timing.
    reconcileMs: 3_600_000,
    ...(floor !== undefined && { promotion: { floor } }),
  });
  try {
    const memoryBefore = await usedMemory(redis);
    const spec = { name: 'sweep', jobs: [{ name: 'p{i}', command: 'true', parameters: { i: `1:${JOBS}` } }] };
    const wf = (await store.createWorkflow(specToBundle(spec)))._key;
    await scheduler.start();
    await scheduler.whenIdle();
    const began = performance.now();
    await startWorkflow({ store, scheduler }, wf);
    await scheduler.whenIdle();
    const promoteMs = performance.now() - began;
    const figures = {
      mode,
      memoryBefore,
      memoryAfter: await usedMemory(redis),
      waiting: await waitingEntries(redis, prefix),
      ready: (await store.statusCounts(wf)).ready,
      promoteMs,
    };
    return figures;
  } finally {
    await scheduler.stop();
    await producer.close();
    await notifier.close();
    await store.close();
    await redis.quit();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MIB = 1024 ** 2;
const rows = [await measure(`bounded (floor ${FLOOR}, no live worker)`, FLOOR), await measure('unbounded', undefined)];
console.log(`\nPromotion of a ${JOBS.toLocaleString('en')}-job sweep (start + first pass, no worker)\n`);
console.log('| mode | Redis used_memory before | after | entries waiting | still ready in graph | start + pass |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.mode} | ${(r.memoryBefore / MIB).toFixed(1)} MiB | ${(r.memoryAfter / MIB).toFixed(1)} MiB | ` +
      `${r.waiting} | ${r.ready} | ${(r.promoteMs / 1000).toFixed(2)} s |`,
  );
}
const [b, u] = rows as [Figures, Figures];
console.log(
  `\nRedis growth: bounded ${((b.memoryAfter - b.memoryBefore) / MIB).toFixed(2)} MiB, ` +
    `unbounded ${((u.memoryAfter - u.memoryBefore) / MIB).toFixed(2)} MiB`,
);
