/** Long-running commands stop at start-up with one clear line, never a stack trace. */
import { describe, expect, inject, it } from 'vitest';
import { makeRunDir, runCli } from './support/cli.js';

describe('start-up errors', { timeout: 60_000 }, () => {
  it.each([
    [
      'an unreachable ArangoDB',
      ['server', '--graph', 'arango', '--arango-url', 'http://127.0.0.1:1', '--port', '0'],
      /cannot reach ArangoDB at http:\/\/127\.0\.0\.1:1/,
    ],
    ['ArangoDB without a URL', ['scheduler', '--graph', 'arango'], /ARANGO_URL: required/],
    ['an unknown graph store', ['api', '--graph', 'mongo'], /JOBGRAPH_GRAPH: .*"sqlite"\|"arango"/],
    ['an unreachable Redis', ['server', '--port', '0', '--redis-url', 'redis://127.0.0.1:1'], /cannot reach Redis/],
  ])('%s', async (_what, args, message) => {
    const result = await runCli(args, { cwd: makeRunDir(), env: { REDIS_URL: inject('redisUrl') } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('server without Redis says how to provide it', async () => {
    const result = await runCli(['server', '--port', '0'], { cwd: makeRunDir(), env: { REDIS_URL: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/REDIS_URL: required/);
  });
});
