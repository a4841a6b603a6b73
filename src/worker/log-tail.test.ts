import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attemptTails, COMPLETED_TAIL_BYTES, readTail } from './log-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-tail-'));

describe('readTail', () => {
  it('returns a small file whole, and the end of a large one starting on a line', async () => {
    const small = join(dir, 'small');
    writeFileSync(small, 'a\nb\n');
    expect(await readTail(small, 100)).toBe('a\nb\n');
    const large = join(dir, 'large');
    writeFileSync(large, Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
    const tail = (await readTail(large, 100))!;
    expect(tail.length).toBeLessThanOrEqual(100);
    expect(tail).toMatch(/^line \d+\n/);
    expect(tail.endsWith('line 999\n')).toBe(true);
  });

  it('is undefined for a missing file or an empty path', async () => {
    expect(await readTail(join(dir, 'nope'), 100)).toBeUndefined();
    expect(await readTail('', 100)).toBeUndefined();
  });
});

describe('attemptTails', () => {
  it('keeps less of a completed attempt than of a failed one, and omits empty streams', async () => {
    const out = join(dir, 'out');
    const err = join(dir, 'err');
    writeFileSync(out, 'x\n'.repeat(10_000));
    writeFileSync(err, '');
    const done = await attemptTails({ status: 'completed', stdout_path: out, stderr_path: err });
    expect(done.stdout_tail!.length).toBeLessThanOrEqual(COMPLETED_TAIL_BYTES);
    expect(done).not.toHaveProperty('stderr_tail');
    const failed = await attemptTails({ status: 'failed', stdout_path: out, stderr_path: err });
    expect(failed.stdout_tail!.length).toBeGreaterThan(COMPLETED_TAIL_BYTES);
  });
});
