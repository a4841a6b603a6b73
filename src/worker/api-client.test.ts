import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/support/process-probes.js';
import { AppError, UnavailableError, ValidationError } from '../core/errors.js';
import type { InProcessWorkerApi } from '../core/schemas/worker-protocol.js';
import { ApiClient } from './api-client.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(handler: Handler, port = 0): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

const registration = { hostname: 'h', pid: 1, num_cpus: 2, memory_bytes: 1024, num_gpus: 0 };

describe('ApiClient', () => {
  it('posts JSON and validates the answer', async () => {
    let seen: { method?: string; url?: string; body?: unknown } = {};
    const url = await listen((req, body, res) => {
      seen = { method: req.method, url: req.url, body: JSON.parse(body) };
      json(res, 201, { worker_id: 'w1', redis_url: 'redis://x:1', queue_prefix: 'p' });
    });
    const client = new ApiClient({ baseUrl: `${url}/` });
    expect(await client.registerWorker(registration)).toEqual({
      worker_id: 'w1',
      redis_url: 'redis://x:1',
      queue_prefix: 'p',
    });
    expect(seen).toEqual({ method: 'POST', url: '/api/v1/workers', body: registration });
  });

  it('turns a problem+json answer into the matching error with its detail', async () => {
    const url = await listen((req, _body, res) => {
      if (req.url?.includes('status')) {
        return json(
          res,
          404,
          { type: 't', title: 'Not found', status: 404, code: 'not_found', detail: 'workflows/nope does not exist' },
          'application/problem+json',
        );
      }
      json(
        res,
        422,
        {
          code: 'validation_failed',
          detail: 'attempts[0].job: too short',
          issues: [{ path: 'attempts[0].job', message: 'too short' }],
        },
        'application/problem+json',
      );
    });
    const client = new ApiClient({ baseUrl: url });
    const missing = await client.workflowStatus('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'not_found', message: 'workflows/nope does not exist' });
    const invalid = await client.registerWorker(registration).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).issues).toEqual([{ path: 'attempts[0].job', message: 'too short' }]);
  });

  it('rejects an answer that does not match the protocol', async () => {
    const url = await listen((_req, _body, res) => json(res, 200, { outcomes: [{ ok: 'maybe' }] }));
    const client = new ApiClient({ baseUrl: url });
    await expect(client.completeAttempts({ results: [] as never })).rejects.toThrow(/unexpected response/);
  });

  it('retries while the API is not listening yet, then succeeds', async () => {
    // Reserve a port, free it, and start the API on it only after the first attempts failed.
    const probe = await listen(() => undefined);
    const port = Number(new URL(probe).port);
    await new Promise((r) => servers.pop()!.close(r));
    const client = new ApiClient({ baseUrl: probe, retryBaseMs: 20, retryMaxMs: 50, connectRetries: 50 });
    const answer = client.workflowStatus('wf');
    await new Promise((r) => setTimeout(r, 100));
    await listen(
      (_req, _body, res) => json(res, 200, { workflow: 'wf', status: 'running', counts: { running: 1 }, total: 1 }),
      port,
    );
    expect(await answer).toMatchObject({ workflow: 'wf', status: 'running', total: 1 });
  });

  it('retries a start whose connection was cut after the API received it (starts are idempotent)', async () => {
    const received: string[] = [];
    const url = await listen((_req, body, res) => {
      received.push(body);
      // The first request arrives and its answer is lost: the connection is cut.
      if (received.length === 1) return res.socket?.destroy();
      json(res, 200, { outcomes: [{ ok: false, reason: 'second answer' }] });
    });
    const client = new ApiClient({ baseUrl: url, retryBaseMs: 1, retryMaxMs: 1 });
    const body = { worker: registration as never, attempts: [{ workflow: 'wf', job: 'j', attempt: 1 }] };
    expect(await client.startAttempts(body)).toEqual({ outcomes: [{ ok: false, reason: 'second answer' }] });
    expect(received.map((b) => JSON.parse(b) as unknown)).toEqual([body, body]);
  });

  it('gives up with UnavailableError after its connect retries', async () => {
    const probe = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const client = new ApiClient({ baseUrl: probe, retryBaseMs: 1, retryMaxMs: 1, connectRetries: 2 });
    await expect(client.workflowStatus('wf')).rejects.toBeInstanceOf(UnavailableError);
  });

  it('posts an event under its own key; a 409 (it arrived before) counts as done, other errors do not', async () => {
    const posted: unknown[] = [];
    const url = await listen((req, body, res) => {
      const event = JSON.parse(body) as { _key: string };
      if (event._key === 'bad') return json(res, 422, { code: 'validation_failed', detail: 'no' });
      if (posted.length > 0) return json(res, 409, { code: 'conflict', detail: `events/${event._key} exists` });
      posted.push({ url: req.url, event });
      json(res, 201, { ...event, source: 'user' });
    });
    const client = new ApiClient({ baseUrl: url });
    const event = { _key: 'n1', type: 'spot_interruption_notice', zone: 'us-east-1a' };
    await client.postEvent('wf 1', event);
    await expect(client.postEvent('wf 1', event)).resolves.toBeUndefined();
    expect(posted).toEqual([{ url: '/api/v1/workflows/wf%201/events', event }]);
    await expect(client.postEvent('wf', { _key: 'bad', type: 'x' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('stops retrying at once when its signal is aborted, without another request', async () => {
    const probe = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    let requests = 0;
    const client = new ApiClient({
      baseUrl: probe,
      // A backoff far longer than the test: only the abort can end the wait.
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
      connectRetries: 50,
      fetch: (url, init) => {
        requests += 1;
        return fetch(url, init);
      },
    });
    const stop = new AbortController();
    const call = client.completeAttempts({ results: [] as never }, { signal: stop.signal }).catch((e: unknown) => e);
    await until(() => requests === 1);
    await new Promise((r) => setTimeout(r, 50)); // the refused connection is now in its backoff
    const aborted = Date.now();
    stop.abort('SIGTERM');
    const err = await call;
    expect(Date.now() - aborted).toBeLessThan(1000);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/given up: SIGTERM/);
    expect(requests).toBe(1);
  });

  it('cancels a request in flight when its signal is aborted', async () => {
    let received = false;
    const url = await listen(() => (received = true)); // never answers
    const client = new ApiClient({ baseUrl: url });
    const stop = new AbortController();
    const call = client.workflowStatus('wf', { signal: stop.signal }).catch((e: unknown) => e);
    await until(() => received);
    const aborted = Date.now();
    stop.abort('worker stopping');
    const err = await call;
    expect(Date.now() - aborted).toBeLessThan(1000);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/given up: worker stopping/);
  });

  it('with stopRetrying, lets the request in flight finish but makes no retry', async () => {
    let requests = 0;
    let answer: (() => void) | undefined;
    const url = await listen((_req, _body, res) => {
      requests += 1;
      answer = () => json(res, 200, { outcomes: [] });
    });
    const client = new ApiClient({ baseUrl: url });
    const stop = new AbortController();
    const call = client.startAttempts({ worker: {} as never, attempts: [] }, { stopRetrying: stop.signal });
    await until(() => answer !== undefined);
    stop.abort('worker stopping');
    answer!();
    await expect(call).resolves.toEqual({ outcomes: [] });

    const probe = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const down = new ApiClient({ baseUrl: probe, retryBaseMs: 60_000, retryMaxMs: 60_000, connectRetries: 50 });
    const started = Date.now();
    await expect(
      down.startAttempts({ worker: {} as never, attempts: [] }, { stopRetrying: stop.signal }),
    ).rejects.toThrow(/given up: worker stopping/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(requests).toBe(1);
  });

  it('sends nothing when its signal is already aborted', async () => {
    let requests = 0;
    const url = await listen((_req, _body, res) => {
      requests += 1;
      json(res, 200, {});
    });
    const client = new ApiClient({ baseUrl: url });
    await expect(client.registerWorker(registration, { signal: AbortSignal.abort('done') })).rejects.toThrow(
      /given up: done/,
    );
    expect(requests).toBe(0);
  });

  it('answers starts, completions and status reads in process, and everything else over HTTP', async () => {
    const paths: string[] = [];
    const url = await listen((req, _body, res) => {
      paths.push(req.url!);
      json(res, 201, { worker_id: 'w1', redis_url: 'redis://x:1', queue_prefix: 'p' });
    });
    const calls: string[] = [];
    const inProcess: InProcessWorkerApi = {
      startAttempts: async (body) => (calls.push(`start ${body.attempts.length}`), { outcomes: [] }),
      completeAttempts: async (body) => (calls.push(`complete ${body.results.length}`), { outcomes: [] }),
      workflowStatus: async (wf) => (
        calls.push(`status ${wf}`),
        { workflow: wf, status: 'running', counts: {}, total: 0 }
      ),
    };
    const client = new ApiClient({ baseUrl: url, inProcess });
    await client.startAttempts({ worker: {} as never, attempts: [{ workflow: 'wf', job: 'j', attempt: 1 }] });
    await client.completeAttempts({ results: [] });
    expect(await client.workflowStatus('wf')).toMatchObject({ status: 'running' });
    await client.registerWorker(registration);
    expect(calls).toEqual(['start 1', 'complete 0', 'status wf']);
    expect(paths).toEqual(['/api/v1/workers']);
    // An aborted signal gives up before the call, as over HTTP.
    await expect(client.completeAttempts({ results: [] }, { signal: AbortSignal.abort('flush over') })).rejects.toThrow(
      /given up: flush over/,
    );
    expect(calls).toHaveLength(3);
  });
});
