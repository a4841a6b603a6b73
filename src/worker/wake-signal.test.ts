import { describe, expect, it } from 'vitest';
import { WakeSignal } from './wake-signal.js';

describe('WakeSignal', () => {
  it('keeps a wake that came before the wait', async () => {
    const signal = new WakeSignal();
    signal.wake();
    let resolved = false;
    void signal.wait(60_000).then(() => (resolved = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it('wakes a waiting wait, and consumes the wake', async () => {
    const signal = new WakeSignal();
    const first = signal.wait(60_000);
    signal.wake();
    await first;
    let second = false;
    void signal.wait(60_000).then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    signal.wake();
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(true);
  });

  it('times out without a wake', async () => {
    await new WakeSignal().wait(5);
  });
});
