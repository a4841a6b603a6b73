import { describe, expect, it } from 'vitest';
import { CoalescedPasses } from './coalesced-passes.js';

describe('CoalescedPasses', () => {
  it('a pass that awaits nothing leaves it ready for the next request', async () => {
    let runs = 0;
    const passes = new CoalescedPasses(
      () => {
        runs++;
        return Promise.resolve();
      },
      () => undefined,
    );
    passes.request();
    await passes.whenIdle();
    passes.request();
    await passes.whenIdle();
    expect(runs).toBe(2);
  });

  it('requests during a pass cause exactly one more, never an overlapping one', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let release!: () => void;
    const passes = new CoalescedPasses(
      async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        running--;
      },
      () => undefined,
    );
    passes.request();
    for (let i = 0; i < 5; i++) passes.request();
    release();
    await passes.whenIdle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('hands a failure to onError and goes on; nothing runs once halted', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const passes = new CoalescedPasses(
      async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
      (err) => errors.push(err),
    );
    passes.request();
    await passes.whenIdle();
    passes.request();
    await passes.whenIdle();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    passes.halt();
    passes.request();
    await passes.whenIdle();
    expect(runs).toBe(2);
  });
});
