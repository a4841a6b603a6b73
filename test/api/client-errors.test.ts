/**
 * Requests Node's HTTP parser rejects, and bodies over the limit, over a real socket: each is
 * answered with a problem+json body (Node's default was a bare 400) and the server goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApi, type RunningApi } from '../../src/api/serve.js';
import { jsonRequest, rawHttp, type RawAnswer } from '../support/raw-http.js';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

const LIMIT = 1024 * 1024;
let api: ApiFixture;
let server: RunningApi;
beforeAll(async () => {
  api = createApiFixture({ limits: { maxBodyBytes: LIMIT } });
  server = await serveApi(api.app, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  await api.close();
});

function expectProblem(answer: RawAnswer, status: number): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(answer.body)).toMatchObject({ status, code: 'validation_failed', detail: expect.any(String) });
}

describe('requests the HTTP parser rejects', () => {
  it.each([
    ['an unknown method', 'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a negative Content-Length', 'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}', 400],
    [
      'bad chunking',
      'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      400,
    ],
    ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a request line that is not HTTP', 'hello there\r\n\r\n', 400],
    ['a space in the path', 'GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ])('%s → problem+json', async (_what, request, status) => {
    expectProblem(await rawHttp(server.url, request), status);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('bodies over the limit', () => {
  it('answers a declared Content-Length over the limit with 413 before reading the body', async () => {
    const head =
      'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${100 * LIMIT}\r\n\r\n{"name":"x","jobs":[`;
    let sent = 0;
    const answer = await rawHttp(server.url, head, {
      more: () => (sent++ < 50 ? Buffer.from('1,'.repeat(8192)) : undefined),
    });
    expectProblem(answer, 413);
    expect(JSON.parse(answer.body)).toMatchObject({ limit: LIMIT, issues: [{ path: '(body)' }] });
  });

  it('answers a chunked body that passes the limit with 413', async () => {
    const head =
      'POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n';
    const chunk = Buffer.from(`4000\r\n${'1'.repeat(0x4000)}\r\n`);
    let sent = 0;
    const answer = await rawHttp(server.url, head, { more: () => (sent++ < 1000 ? chunk : undefined) });
    expectProblem(answer, 413);
    expect(sent).toBeLessThan(1000); // answered while the client was still sending
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('still takes a body just under the limit', async () => {
    // The padding is a user data value: names are capped at 256 characters (string-limits.ts), values are not.
    const spec = { name: 'big', user_data: [{ name: 'pad', data: 'x'.repeat(LIMIT - 100) }] };
    const answer = await rawHttp(server.url, jsonRequest('POST', '/api/v1/workflows', JSON.stringify(spec)));
    expect(answer.status, answer.body.slice(0, 300)).toBe(201);
  });
});
