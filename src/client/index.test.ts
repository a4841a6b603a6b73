import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from './index.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server answering a final status to everything, keeping each request's headers. */
async function recordingServer(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ workflow: 'w', status: 'completed', total: 0, counts: {} }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

describe('createClient', () => {
  it('sends the token as a bearer token', async () => {
    const { url, seen } = await recordingServer();
    const client = createClient({ baseUrl: url, token: 's3cret' });
    const answer = await client.GET('/api/v1/workflows/{wf}/status', { params: { path: { wf: 'w' } } });
    expect(answer.data?.status).toBe('completed');
    expect(seen[0]?.authorization).toBe('Bearer s3cret');
  });

  it('sends no Authorization header without a token', async () => {
    const { url, seen } = await recordingServer();
    await createClient({ baseUrl: url }).GET('/health');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBeUndefined();
  });
});
