/**
 * The IMDSv2 client against a metadata server that enforces tokens (test/support/imds-server.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/core/errors.js';
import { ImdsClient } from '../../src/provision/aws/imds-client.js';
import { waitFor } from '../e2e/support/cli.js';
import { startImdsServer, type ImdsServer } from '../support/imds-server.js';

let imds: ImdsServer;

beforeAll(async () => {
  imds = await startImdsServer({
    instanceId: 'i-0abc1234def567890',
    instanceType: 'c5.large',
    zone: 'us-east-1b',
    lifecycle: 'spot',
  });
});

afterAll(async () => {
  await imds?.stop();
});

describe('IMDSv2 client', () => {
  it('the server refuses a GET without a token (what makes the token flow worth testing)', async () => {
    const response = await fetch(`${imds.url}/latest/meta-data/instance-id`);
    expect(response.status).toBe(401);
  });

  it('reads what the instance is with one token', async () => {
    const before = imds.counts.tokens;
    const client = new ImdsClient({ baseUrl: imds.url });
    expect(await client.identity()).toEqual({
      instanceId: 'i-0abc1234def567890',
      instanceType: 'c5.large',
      zone: 'us-east-1b',
      lifecycle: 'spot',
    });
    await client.get('meta-data/instance-id');
    await client.get('meta-data/instance-type');
    // The four concurrent reads of identity() shared one token, and later reads reused it.
    expect(imds.counts.tokens - before).toBe(1);
  });

  it('answers no notice while there is none, then the notices given', async () => {
    const client = new ImdsClient({ baseUrl: imds.url });
    expect(await client.instanceAction()).toBeUndefined();
    expect(await client.rebalanceRecommendation()).toBeUndefined();
    const at = new Date(Date.now() + 120_000);
    at.setMilliseconds(0);
    imds.interrupt(at);
    imds.rebalance(new Date('2026-01-02T03:04:05Z'));
    expect(await client.instanceAction()).toEqual({ action: 'terminate', time: at });
    expect(await client.rebalanceRecommendation()).toEqual({ time: new Date('2026-01-02T03:04:05Z') });
  });

  it('renews its token before it expires, so no request is refused', async () => {
    const client = new ImdsClient({ baseUrl: imds.url, tokenTtlS: 1 });
    const tokens = imds.counts.tokens;
    const refused = imds.counts.unauthorized;
    await client.get('meta-data/instance-id');
    await waitFor(async () => {
      await client.get('meta-data/instance-id');
      return imds.counts.tokens - tokens >= 3 || undefined;
    }, 10_000);
    expect(imds.counts.unauthorized).toBe(refused);
  });

  it('reports an endpoint that does not answer as unavailable, quickly', async () => {
    const down = await startImdsServer({ instanceId: 'i-1', instanceType: 't3.micro', zone: 'z', lifecycle: 'spot' });
    const url = down.url;
    await down.stop();
    const client = new ImdsClient({ baseUrl: url, timeoutMs: 500 });
    await expect(client.get('meta-data/instance-id')).rejects.toThrow(UnavailableError);
    await expect(client.get('meta-data/instance-id')).rejects.toThrow(/ECONNREFUSED/);
  });
});
