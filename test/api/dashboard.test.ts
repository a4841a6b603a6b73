import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKERS_NOTE } from '../../src/queue/dashboard.js';
import { queueName, queueRegistryKey } from '../../src/queue/queue-names.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let redis: Redis;
beforeAll(() => {
  api = createApiFixture({ dashboard: true });
  redis = new Redis(api.redisUrl);
});
afterAll(async () => {
  await redis.quit();
  await api.close();
});

describe('queue dashboard', () => {
  it('serves the bull-board page at /queues', async () => {
    const res = await api.call('GET', '/queues');
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/html');
    expect(res.text).toContain('<base href="/queues/"');
    // Its assets are served locally (no CDN is reachable where the API usually runs).
    const script = /src="(static\/js\/main[^"]+\.js)"/.exec(res.text)?.[1];
    expect(script).toBeDefined();
    const asset = await api.app.request(`/queues/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('shows queues registered after the app started, with their jobs', async () => {
    const name = queueName('wfdash', 'c1-m1024-g0-n1-t60');
    const queue = new Queue(name, { connection: { url: api.redisUrl }, prefix: api.prefix });
    try {
      await queue.add('job', { hello: 1 }, { jobId: 'wfdash.j1.1' });
      const before = await api.call('GET', '/queues/api/queues');
      expect(before.status).toBe(200);
      expect(before.body.queues.map((q: { name: string }) => q.name)).not.toContain(name);

      await redis.sadd(queueRegistryKey(api.prefix), name);
      const after = await api.call('GET', '/queues/api/queues?activeQueue=' + encodeURIComponent(name));
      const entry = after.body.queues.find((q: { name: string }) => q.name === name);
      expect(entry).toBeDefined();
      expect(entry.counts.waiting).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("names a queue by its workflow's name, says why bull-board shows no workers, and drops retired queues", async () => {
    const wf = (await api.call('POST', '/api/v1/workflows', { name: 'nightly-sweep' })).body._key as string;
    const name = queueName(wf, 'c1-m1024-g0-n1-t60');
    const queue = new Queue(name, { connection: { url: api.redisUrl }, prefix: api.prefix });
    try {
      await queue.add('step_2', { hello: 1 }, { jobId: `${wf}.j1.1` });
      await redis.sadd(queueRegistryKey(api.prefix), name);
      const listed = await api.call('GET', '/queues/api/queues?activeQueue=' + encodeURIComponent(name));
      const entry = listed.body.queues.find((q: { name: string }) => q.name === name);
      expect(entry.displayName).toBe(`nightly-sweep (${wf}) · c1-m1024-g0-n1-t60`);
      expect(entry.description).toBe(WORKERS_NOTE);
      expect(entry.jobs.map((j: { name: string }) => j.name)).toEqual(['step_2']);

      // The scheduler retires a finished workflow's queues from the registry: the board follows.
      await redis.srem(queueRegistryKey(api.prefix), name);
      const after = await api.call('GET', '/queues/api/queues');
      expect(after.body.queues.map((q: { name: string }) => q.name)).not.toContain(name);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('is absent when disabled', async () => {
    const plain = createApiFixture({ dashboard: false });
    try {
      expect((await plain.call('GET', '/queues')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
