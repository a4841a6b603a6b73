import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/core/errors.js';
import { startPrivateRedis } from '../../src/queue/private-redis.js';

describe('startPrivateRedis', () => {
  it('starts a redis-server that answers, and stop() ends it', async () => {
    const redis = await startPrivateRedis();
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await redis.stop();
    await expect(client.ping()).rejects.toThrow();
    client.disconnect();
    await redis.stop(); // idempotent
  });

  it('explains how to install redis-server when it is missing', async () => {
    const err = await startPrivateRedis('/nonexistent/redis-server').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/apt-get install -y redis-server/);
  });
});
