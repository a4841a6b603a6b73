import { describe, expect, it } from 'vitest';
import { defaultFenceMs, fenceTimeoutProblem, isFenced, msUntilFenced } from './fencing.js';

describe('fencing rules', () => {
  it('derives a default halfway between the heartbeat interval and the worker timeout', () => {
    expect(defaultFenceMs(10_000, 30_000)).toBe(20_000);
    expect(defaultFenceMs(500, 1500)).toBe(1000);
    // Always strictly between the two, so the default passes its own validation.
    for (const [hb, ttl] of [
      [1, 2],
      [1, 3],
      [999, 1000],
      [10_000, 30_000],
    ] as const) {
      const fence = defaultFenceMs(hb, ttl);
      if (ttl - hb >= 2) expect(fenceTimeoutProblem(fence, hb, ttl)).toBeUndefined();
    }
  });

  it('accepts a timeout only strictly between the heartbeat interval and the worker timeout', () => {
    expect(fenceTimeoutProblem(20_000, 10_000, 30_000)).toBeUndefined();
    expect(fenceTimeoutProblem(10_000, 10_000, 30_000)).toMatch(/longer than JOBGRAPH_HEARTBEAT_MS/);
    expect(fenceTimeoutProblem(5_000, 10_000, 30_000)).toMatch(/longer than JOBGRAPH_HEARTBEAT_MS/);
    expect(fenceTimeoutProblem(30_000, 10_000, 30_000)).toMatch(/shorter than JOBGRAPH_WORKER_TIMEOUT_MS/);
    expect(fenceTimeoutProblem(45_000, 10_000, 30_000)).toMatch(/shorter than JOBGRAPH_WORKER_TIMEOUT_MS/);
  });

  it('fences once the timeout has passed since the last renewal, not before', () => {
    expect(isFenced(1000, 1000, 500)).toBe(false);
    expect(isFenced(1000, 1499, 500)).toBe(false);
    expect(isFenced(1000, 1500, 500)).toBe(true);
    expect(isFenced(1000, 9000, 500)).toBe(true);
    expect(msUntilFenced(1000, 1200, 500)).toBe(300);
    expect(msUntilFenced(1000, 1600, 500)).toBe(0);
  });
});
