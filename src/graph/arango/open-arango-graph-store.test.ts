/**
 * What can be checked without an ArangoDB server: connection failures and refused
 * credentials become UnavailableErrors that name the URL (a tiny HTTP server plays an
 * ArangoDB that answers 401, the way ArangoDB does). The full behaviour is pinned by the
 * contract suite (test/contract/arango.test.ts) when ARANGO_URL is set.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../core/errors.js';
import { openArangoGraphStore } from './arango-graph-store.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('openArangoGraphStore failures', () => {
  it('names the URL when nothing listens there, without a stack trace', async () => {
    // Bind then close a port: nothing listens on it afterwards.
    const url = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const err = await openArangoGraphStore({ url, database: 'jobgraph' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toContain(`cannot reach ArangoDB at ${url}`);
    expect((err as Error).message).not.toMatch(/\n\s+at /);
  });

  it('reports refused credentials as unavailable, naming the URL and the variables to check', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: true,
          code: 401,
          errorNum: 11,
          errorMessage: 'not authorized to execute this request',
        }),
      );
    });
    const err = await openArangoGraphStore({ url, database: 'jobgraph', username: 'root', password: 'wrong' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toContain('ARANGO_PASSWORD');
  });
});
