import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from './private-redis.js';

/** Whether `pid` runs (a zombie does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The process group of `pid` (field 5 of /proc/PID/stat). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startPrivateRedis } = await import(${JSON.stringify(module)});
         const redis = await startPrivateRedis();
         process.stdout.write(String(redis.pid) + '\\n');
         process.exit(3);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    owner.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => owner.once('close', r));
    expect(code).toBe(3);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await until(() => !alive(pid));
  });

  it('stop() kills a redis-server that does not end on SIGTERM', async () => {
    const redis = await startPrivateRedis();
    // A stopped process takes SIGTERM only once continued; SIGKILL it takes at once.
    process.kill(redis.pid, 'SIGSTOP');
    const started = Date.now();
    await redis.stop(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(alive(redis.pid)).toBe(false);
  });
});
