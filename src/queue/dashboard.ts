/**
 * The bull-board queue dashboard, mounted by the API at `/queues`. Queues are created on
 * the fly per (workflow, resource class), so the board is refreshed from the registry SET
 * the scheduler keeps (`queueRegistryKey`): one SMEMBERS per refresh, and a Queue object
 * only for names not seen before; names that left the registry (the scheduler retires the
 * queues of a finished workflow) leave the board. Lives in src/queue because it is BullMQ wiring.
 */
import type { createBullBoard } from '@bull-board/api';
import type { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { serveStatic } from '@hono/node-server/serve-static';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { queueRegistryKey } from './queue-names.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';

/** Options for {@link createQueueDashboard}. */
export interface QueueDashboardOptions {
  redisUrl: string;
  /** BullMQ key prefix of the queues to show. */
  prefix: string;
  /** Where the board is mounted (links in its HTML depend on it). @default '/queues' */
  basePath?: string;
  /**
   * What the board calls a queue: its workflow's name instead of its key. Asked once per
   * queue; undefined (or a throw) keeps the queue's own name.
   */
  describeQueue?: (name: string) => Promise<string | undefined>;
}

/**
 * Why bull-board's Workers view is empty, said on every queue. jobgraph workers take
 * entries with `getNextJob` over one shared connection per worker, and BullMQ finds workers
 * by a connection named after one queue: there is no such connection to find.
 */
export const WORKERS_NOTE =
  "Workers: bull-board's Workers view stays empty for jobgraph queues — workers take entries over one " +
  'shared connection, not one per queue. The workers of a workflow are its compute nodes: see the ' +
  'web dashboard (/) or GET /api/v1/workflows/{wf}/compute_nodes.';

/** A mounted-ready dashboard: `app.route(basePath, dashboard.app)`. */
export interface QueueDashboard {
  /** Routes of the board, refreshing the queue list on each request. */
  app: Hono;
  /** Add queues registered since the last call. */
  refresh(): Promise<void>;
  /** Close the queues' shared Redis connection. Idempotent. */
  close(): Promise<void>;
}

/** The board itself, built on the first request: bull-board costs every API process's start-up otherwise. */
interface Board {
  board: ReturnType<typeof createBullBoard>;
  Adapter: typeof BullMQAdapter;
  /** The board's routes, mounted at the base path. */
  routes: Hono;
}

async function loadBoard(basePath: string): Promise<Board> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
  ]);
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(basePath);
  // @bull-board/hono pins its own @bull-board/api patch version; the classes are the same
  // at runtime but TypeScript sees two declarations of BaseAdapter.
  type ServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];
  const board = createBullBoard({
    queues: [],
    serverAdapter: serverAdapter as unknown as ServerAdapter,
    options: { uiConfig: { boardTitle: 'jobgraph queues' } },
  });
  return { board, Adapter: BullMQAdapter, routes: new Hono().route(basePath, serverAdapter.registerPlugin()) };
}

export function createQueueDashboard(options: QueueDashboardOptions): QueueDashboard {
  const basePath = options.basePath ?? '/queues';
  // Lazy: an API that nobody asks for the dashboard never opens this connection.
  const connection = createRedisConnection(options.redisUrl, {
    lazyConnect: true,
    connectionName: 'jobgraph-dashboard',
  });
  let loaded: Promise<Board> | undefined;
  const queues = new Map<string, Queue>();
  let closed = false;

  async function displayName(name: string): Promise<string> {
    const described = await options.describeQueue?.(name).catch(() => undefined);
    return described ?? name;
  }

  async function refresh(): Promise<void> {
    if (closed) return;
    const { board, Adapter } = await (loaded ??= loadBoard(basePath));
    const names = new Set(await connection.smembers(queueRegistryKey(options.prefix)));
    for (const [name, queue] of queues) {
      if (names.has(name)) continue;
      queues.delete(name);
      board.removeQueue(name);
      await queue.close().catch(() => undefined);
    }
    for (const name of [...names].sort()) {
      if (queues.has(name)) continue;
      const queue = new Queue(name, { connection, prefix: options.prefix });
      queues.set(name, queue);
      board.addQueue(
        new Adapter(queue, {
          readOnlyMode: false,
          displayName: await displayName(name),
          description: WORKERS_NOTE,
        }),
      );
    }
  }

  const app = new Hono();
  app.all('*', async (c) => {
    await refresh();
    return (await (loaded ??= loadBoard(basePath))).routes.fetch(c.req.raw, c.env);
  });

  return {
    app,
    refresh,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      await closeRedisConnection(connection);
    },
  };
}
