import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

/** A send function whose calls the test answers by hand. */
function manualSend<T, R>() {
  const calls: Array<{ items: T[]; resolve: (r: R[]) => void; reject: (e: unknown) => void }> = [];
  const send = (items: T[]) => new Promise<R[]>((resolve, reject) => calls.push({ items, resolve, reject }));
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('sends a lone item at once and accumulates items while a request is in flight', async () => {
    const { calls, send } = manualSend<number, string>();
    const batcher = new MicroBatcher({ send });
    const first = batcher.submit(1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);

    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    await tick();
    expect(calls).toHaveLength(1); // nothing else goes out while the first is in flight
    calls[0]!.resolve(['one']);
    expect(await first).toBe('one');
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.resolve(['two', 'three', 'four']);
    expect(await Promise.all(rest)).toEqual(['two', 'three', 'four']);
    await batcher.drained();
  });

  it('sends items submitted in the same tick together, and splits at maxBatch', async () => {
    const { calls, send } = manualSend<number, number>();
    const batcher = new MicroBatcher({ send, maxBatch: 2 });
    const all = [1, 2, 3].map((n) => batcher.submit(n));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    calls[0]!.resolve([10, 20]);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3]]);
    calls[1]!.resolve([30]);
    expect(await Promise.all(all)).toEqual([10, 20, 30]);
  });

  it('retries a failed batch as the policy says and rejects when it gives up', async () => {
    let attempts = 0;
    const batcher = new MicroBatcher<number, number>({
      send: async (items) => {
        attempts++;
        if (attempts < 3) throw new Error('down');
        return items.map((n) => n * 2);
      },
      retryDelayMs: () => 1,
    });
    expect(await batcher.submit(4)).toBe(8);
    expect(attempts).toBe(3);

    const never = new MicroBatcher<number, number>({
      send: async () => {
        throw new Error('nope');
      },
    });
    await expect(never.submit(1)).rejects.toThrow('nope');
  });

  it('rejects a batch whose answer count does not match', async () => {
    const batcher = new MicroBatcher<number, number>({ send: async () => [1, 2] });
    await expect(batcher.submit(1)).rejects.toThrow(/expected 1 answers, got 2/);
  });

  it('abort gives up waiting items, including a batch in backoff', async () => {
    const batcher = new MicroBatcher<number, number>({
      send: async () => {
        throw new Error('down');
      },
      retryDelayMs: () => 60_000,
    });
    const a = batcher.submit(1);
    await tick();
    const dropped = batcher.abort(new Error('closing'));
    expect(dropped).toEqual([1]);
    await expect(a).rejects.toThrow('closing');
    await batcher.drained();
    await expect(batcher.submit(2)).rejects.toThrow('closing');
  });
});
