/**
 * One API over a real SQLite file (fresh per fixture) and the suite's real Redis, with its
 * own queue prefix. `call` sends a request through `app.request()`: no listening server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { expect, inject } from 'vitest';
import { closeApp, createApp } from '../../src/api/app.js';
import { randomKey } from '../../src/core/keys.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { Notifier } from '../../src/queue/notifications.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are what the assertions check
export interface ApiResponse<T = any> {
  status: number;
  contentType: string;
  body: T;
  text: string;
}

export interface ApiFixture {
  app: OpenAPIHono;
  store: GraphStore;
  notifier: Notifier;
  redisUrl: string;
  prefix: string;
  /** JSON in, parsed JSON (or text) out. A string body is sent as is, with `contentType`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see ApiResponse
  call<T = any>(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export function createApiFixture(
  options: {
    dashboard?: boolean;
    limits?: { maxBodyBytes?: number; maxJobs?: number; maxStringBytes?: number };
  } = {},
): ApiFixture {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-api-'));
  const store = openSqliteGraphStore(join(dir, 'graph.sqlite'));
  const redisUrl = inject('redisUrl');
  const prefix = `t-${randomKey(6)}`;
  const notifier = new Notifier(redisUrl, prefix);
  const app = createApp({
    store,
    redisUrl,
    queuePrefix: prefix,
    notifier,
    dashboard: options.dashboard ?? false,
    ...(options.limits && { limits: options.limits }),
  });
  return {
    app,
    store,
    notifier,
    redisUrl,
    prefix,
    async call(method, path, body, contentType) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'content-type': contentType ?? 'application/json' };
      }
      const res = await app.request(path, init);
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      let parsed: unknown = text;
      if (type.includes('json') && text) parsed = JSON.parse(text);
      return { status: res.status, contentType: type, body: parsed as never, text };
    },
    async close() {
      await closeApp(app);
      await notifier.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The worker identity tests start attempts with. */
export const TEST_WORKER = {
  worker_id: 'w1',
  hostname: 'node1',
  pid: 4242,
  num_cpus: 4,
  memory_bytes: 8 * 1024 ** 3,
  num_gpus: 0,
};

/** Create a workflow of `jobs` (spec entries) and start it; `key` finds a job's key by its name. */
export async function startedWorkflow(
  api: ApiFixture,
  jobs: Array<Record<string, unknown>>,
): Promise<{ wf: string; key: (name: string) => string }> {
  const created = await api.call('POST', '/api/v1/workflows', { name: 'wf', jobs });
  expect(created.status, created.text).toBe(201);
  const wf = created.body._key as string;
  expect((await api.call('POST', `/api/v1/workflows/${wf}/start`)).status).toBe(200);
  const list = await api.call('GET', `/api/v1/workflows/${wf}/jobs`);
  const keys = new Map((list.body.items as Array<{ _key: string; name: string }>).map((j) => [j.name, j._key]));
  return { wf, key: (name) => keys.get(name)! };
}

/** Run attempt 1 of `job` through the worker protocol, as a worker would: claim, start, report. */
export async function runAttempt(
  api: ApiFixture,
  wf: string,
  job: string,
  status: 'completed' | 'failed' = 'completed',
): Promise<void> {
  await api.store.claimReady(100, wf);
  const started = await api.call('POST', '/api/v1/attempts/start', {
    worker: TEST_WORKER,
    attempts: [{ workflow: wf, job, attempt: 1 }],
  });
  expect(started.body.outcomes[0].ok, started.text).toBe(true);
  const done = await api.call('POST', '/api/v1/attempts/complete', {
    results: [
      {
        workflow: wf,
        job,
        attempt: 1,
        status,
        return_code: status === 'completed' ? 0 : 1,
        exec_time_s: 0.1,
        completion_time: new Date().toISOString(),
        compute_node: started.body.outcomes[0].compute_node,
      },
    ],
  });
  expect(done.body.outcomes[0], done.text).toMatchObject({ ok: true, duplicate: false });
}
