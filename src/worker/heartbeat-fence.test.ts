import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatFence } from './heartbeat-fence.js';

describe('HeartbeatFence', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  function fence(fenceMs = 1000) {
    const calls: string[] = [];
    const f = new HeartbeatFence({
      fenceMs,
      now: () => Date.now(),
      onFence: (silent) => calls.push(`fence ${silent}`),
      onUnfence: (fenced) => calls.push(`unfence ${fenced}`),
    });
    return { f, calls };
  }

  it('stays unfenced while renewals keep coming within the timeout', () => {
    const { f, calls } = fence();
    f.renewed(0);
    for (let t = 400; t <= 4000; t += 400) {
      vi.advanceTimersByTime(400);
      f.renewed(t);
    }
    expect(calls).toEqual([]);
    expect(f.fenced).toBe(false);
  });

  it('fences once the timeout passes without a renewal, measured from the send time', () => {
    const { f, calls } = fence();
    f.renewed(0);
    vi.advanceTimersByTime(300);
    f.renewed(200); // sent at 200, acknowledged at 300
    vi.advanceTimersByTime(899);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['fence 1000']);
    expect(f.fenced).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(calls).toHaveLength(1); // once per cut
  });

  it('lifts the fence on a fresh renewal and arms again', () => {
    const { f, calls } = fence();
    f.renewed(0);
    vi.advanceTimersByTime(1500);
    expect(f.fenced).toBe(true);
    f.renewed(1500);
    expect(calls).toEqual(['fence 1000', 'unfence 500']);
    expect(f.fenced).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['fence 1000', 'unfence 500', 'fence 1000']);
  });

  it('does not lift the fence for a beat sent long ago and acknowledged only now', () => {
    const { f, calls } = fence();
    f.renewed(0);
    vi.advanceTimersByTime(3000);
    f.renewed(100); // queued during the cut, delivered at reconnect
    expect(f.fenced).toBe(true);
    f.renewed(2900);
    expect(f.fenced).toBe(false);
    expect(calls).toEqual(['fence 1000', 'unfence 2000']);
  });

  it('ignores renewals acknowledged out of order, and everything after stop', () => {
    const { f, calls } = fence();
    f.renewed(500);
    f.renewed(100); // older: does not move the deadline back
    vi.advanceTimersByTime(1499);
    expect(calls).toEqual([]);
    f.stop();
    vi.advanceTimersByTime(10_000);
    f.renewed(20_000);
    expect(calls).toEqual([]);
  });

  it('is not armed before the first renewal', () => {
    const { calls } = fence();
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual([]);
  });
});
