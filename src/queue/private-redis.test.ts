import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, processGroup, runModuleSource, until } from '../../test/support/process-probes.js';
import { startPrivateRedis } from './private-redis.js';

describe('startPrivateRedis', () => {
  it("runs in a process group of its own: a terminal's Ctrl-C to its owner's group does not reach it", async () => {
    const redis = await startPrivateRedis();
    try {
      expect(processGroup(redis.pid)).toBe(redis.pid);
      expect(processGroup(redis.pid)).not.toBe(processGroup(process.pid));
    } finally {
      await redis.stop();
    }
    expect(alive(redis.pid)).toBe(false);
  });

  it('is killed when its owner exits without stopping it', async () => {
    const module = join(import.meta.dirname, 'private-redis.ts');
    const { code, stdout } = await runModuleSource(
      `const { startPrivateRedis } = await import(${JSON.stringify(module)});
       const redis = await startPrivateRedis();
       process.stdout.write(String(redis.pid) + '\\n');
       process.exit(3);`,
    );
    expect(code).toBe(3);
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await until(() => !alive(pid));
  });

  it('stop() ends even a redis-server that could not shut down on its own (stopped), and may be repeated', async () => {
    const redis = await startPrivateRedis();
    // A stopped process would take SIGTERM only once continued; SIGKILL it takes at once.
    process.kill(redis.pid, 'SIGSTOP');
    await redis.stop();
    expect(alive(redis.pid)).toBe(false);
    await redis.stop();
  });
});
