/**
 * Issue 11 item 9: `worker start` against an API that is down says so at once and keeps
 * retrying, a line per try (JSON lines: stderr is not a terminal here), until it is stopped.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { makeRunDir, spawnCli } from './support/cli.js';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface Line {
  level: number;
  msg: string;
  failures?: number;
  time: number;
}

describe('worker start with the API down', { timeout: 120_000 }, () => {
  it('warns within seconds of trying, keeps retrying visibly, and stops on SIGTERM', async () => {
    const api = `http://127.0.0.1:${await closedPort()}`;
    const child = spawnCli(['worker', 'start', '--api', api, '--cpus', '1', '--mem', '256m'], {
      cwd: makeRunDir(),
      env: { JOBGRAPH_LOG_LEVEL: 'info' },
    });
    try {
      const warnings = (): Line[] =>
        child
          .output()
          .stderr.split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Line)
          .filter((l) => l.level === 40 && l.msg.startsWith(`cannot reach the API at ${api}`));
      const deadline = Date.now() + 90_000;
      while (warnings().length < 3 && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 200));
      const seen = warnings();
      expect(seen.length, child.output().stderr).toBeGreaterThanOrEqual(3);
      expect(seen.map((l) => l.failures)).toEqual([1, 2, 3, ...seen.slice(3).map((_, i) => i + 4)]);
      // Never a silent wait: every announced pause is at most 5 s.
      for (const l of seen) expect(Number(/retrying in ([\d.]+) s$/.exec(l.msg)?.[1])).toBeLessThanOrEqual(5);
      // The first warning comes with the first failed try (its pause is the shortest).
      expect(seen[1]!.time - seen[0]!.time).toBeLessThan(5000);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('close', r)));
    }
    expect(child.exitCode).not.toBeNull();
  });
});
