/**
 * Workers learn their heartbeat timing from the API at registration (decision 0004), so
 * only the server side is configured.
 */
import { expect, it } from 'vitest';
import { closeApp, createApp } from '../../src/api/app.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';

const body = { hostname: 'h', pid: 1, num_cpus: 2, memory_bytes: 1024 };

async function register(heartbeat?: {
  intervalMs: number;
  ttlMs: number;
  fenceMs?: number;
}): Promise<Record<string, unknown>> {
  const store = openSqliteGraphStore(':memory:');
  const app = createApp({
    store,
    redisUrl: 'redis://127.0.0.1:1',
    queuePrefix: 'p',
    dashboard: false,
    ...(heartbeat && { heartbeat }),
  });
  try {
    const res = await app.request('/api/v1/workers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await closeApp(app);
    await store.close();
  }
}

it('hands registering workers the heartbeat interval and TTL the server is configured with', async () => {
  expect(await register({ intervalMs: 1500, ttlMs: 4500 })).toMatchObject({
    heartbeat_ms: 1500,
    heartbeat_ttl_ms: 4500,
  });
});

it('hands them the fencing timeout too, when the server sets one', async () => {
  expect(await register({ intervalMs: 1500, ttlMs: 4500, fenceMs: 3000 })).toMatchObject({
    heartbeat_ms: 1500,
    heartbeat_ttl_ms: 4500,
    fence_ms: 3000,
  });
  expect(await register({ intervalMs: 1500, ttlMs: 4500 })).not.toHaveProperty('fence_ms');
});

it('leaves them out when the server has none (the worker falls back to its defaults)', async () => {
  const answer = await register();
  expect(answer).not.toHaveProperty('heartbeat_ms');
  expect(answer).not.toHaveProperty('heartbeat_ttl_ms');
  expect(answer).not.toHaveProperty('fence_ms');
});
