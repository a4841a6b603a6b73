/**
 * The process composition behind `jobgraph server` / `api` / `scheduler` / `run`:
 * a real SQLite file, a real Redis, the API on a loopback port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startServices } from '../../src/cli/services.js';
import { loadConfig } from '../../src/core/config.js';
import { UnavailableError } from '../../src/core/errors.js';
import { randomKey } from '../../src/core/keys.js';
import { silentLogger } from '../../src/core/logger.js';

function config(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-services-'));
  return loadConfig(
    {
      JOBGRAPH_DB: join(dir, 'graph.sqlite'),
      JOBGRAPH_PORT: 0,
      JOBGRAPH_QUEUE_PREFIX: `svc-${randomKey(6)}`,
      ...extra,
    },
    {},
  );
}

describe('startServices', () => {
  it('serves the API and hands workers the advertised Redis URL', async () => {
    const services = await startServices(
      config({ JOBGRAPH_WORKER_REDIS_URL: 'redis://redis.example.internal:6379' }),
      inject('redisUrl'),
      { api: true, scheduler: true },
      silentLogger,
    );
    try {
      expect(services.scheduler).toBeDefined();
      // The in-process handler answers like the server does (jobgraph run's worker uses it).
      const health = await services.apiFetch!(`${services.apiUrl}/health`, { method: 'GET' });
      expect(health.status).toBe(200);
      const res = await fetch(`${services.apiUrl}/api/v1/workers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: 'n1', pid: 1, num_cpus: 2, memory_bytes: 1024 ** 3 }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ redis_url: 'redis://redis.example.internal:6379' });
    } finally {
      await services.stop();
    }
    await expect(fetch(`${services.apiUrl}/health`)).rejects.toThrow();
  });

  it('hands workers its own Redis URL by default, and runs the scheduler alone', async () => {
    const api = await startServices(config(), inject('redisUrl'), { api: true, scheduler: false }, silentLogger);
    const scheduler = await startServices(config(), inject('redisUrl'), { api: false, scheduler: true }, silentLogger);
    try {
      expect(api.scheduler).toBeUndefined();
      expect(scheduler.apiUrl).toBeUndefined();
      const res = await fetch(`${api.apiUrl}/api/v1/workers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: 'n1', pid: 1, num_cpus: 2, memory_bytes: 1024 ** 3 }),
      });
      expect(await res.json()).toMatchObject({ redis_url: inject('redisUrl') });
    } finally {
      await Promise.all([api.stop(), scheduler.stop()]);
    }
  });

  it('stops with a clear error when Redis cannot be reached', async () => {
    const err = await startServices(
      config(),
      'redis://127.0.0.1:1',
      { api: true, scheduler: true },
      silentLogger,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
