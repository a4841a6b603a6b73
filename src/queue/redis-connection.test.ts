import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/support/process-probes.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';

const servers: PrivateRedis[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.stop();
});

/** A redis-server of the test's own, which it may kill -9, and a client on it that is ready. */
async function connected(closing?: AbortSignal) {
  const server = await startPrivateRedis();
  servers.push(server);
  const client = createRedisConnection(server.url, { closing });
  client.on('error', () => undefined);
  clients.push(client);
  await client.ping();
  return { server, client };
}

/** Kill Redis hard and wait until the client knows (it is waiting to reconnect). */
async function loseRedis(server: PrivateRedis, client: Redis): Promise<void> {
  process.kill(server.pid, 'SIGKILL');
  await until(() => client.status === 'reconnecting');
}

/** How a command ended, and how long after `from`; 'pending' if it did not within `waitMs`. */
async function outcome(command: Promise<unknown>, waitMs: number) {
  const settled = command.then(
    () => 'ok',
    (err: Error) => err.message,
  );
  return Promise.race([settled, new Promise<string>((r) => setTimeout(() => r('pending'), waitMs))]);
}

describe('createRedisConnection with a closing signal', () => {
  it('a command waiting for a lost Redis waits until shutdown, then fails at once and the client ends', async () => {
    const closing = new AbortController();
    const { server, client } = await connected(closing.signal);
    await loseRedis(server, client);
    const command = client.get('k');
    // Without a shutdown it waits for Redis to come back (BullMQ needs that).
    expect(await outcome(command, 500)).toBe('pending');
    const aborted = Date.now();
    closing.abort('SIGTERM');
    expect(await outcome(command, 1000)).toBe('Connection is closed.');
    expect(Date.now() - aborted).toBeLessThan(500);
    await until(() => client.status === 'end', 1000);
    // Later commands fail at once too, rather than queue for a reconnect that will not come.
    expect(await outcome(client.get('k'), 500)).toBe('Connection is closed.');
  });

  it('a connection that works keeps working after shutdown began, and is not made again once lost', async () => {
    const closing = new AbortController();
    const { server, client } = await connected(closing.signal);
    closing.abort('SIGTERM');
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    process.kill(server.pid, 'SIGKILL');
    await until(() => client.status === 'end');
    expect(await outcome(client.get('k'), 500)).toBe('Connection is closed.');
  });
});

describe('closeRedisConnection', () => {
  it('ends a client waiting to reconnect and rejects its queued commands', async () => {
    const { server, client } = await connected();
    await loseRedis(server, client);
    const command = outcome(client.get('k'), 2000);
    const started = Date.now();
    await closeRedisConnection(client);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(client.status).toBe('end');
    expect(await command).toBe('Connection is closed.');
  });

  it('quits a connected client', async () => {
    const { client } = await connected();
    await closeRedisConnection(client);
    expect(client.status).toBe('end');
    await closeRedisConnection(client); // idempotent
  });

  it('ends a lazy client that never connected', async () => {
    const client = createRedisConnection('redis://127.0.0.1:1', { lazyConnect: true });
    client.on('error', () => undefined);
    clients.push(client);
    await closeRedisConnection(client);
    expect(client.status).toBe('end');
  });
});
