import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { ResourceLedger } from './resource-ledger.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const cls = (num_cpus: number, memory_bytes = GIB, num_gpus = 0, num_nodes = 1) => ({
  num_cpus,
  memory_bytes,
  num_gpus,
  num_nodes,
});

describe('ResourceLedger', () => {
  it('reserves until a dimension runs out and releases back', () => {
    const ledger = new ResourceLedger({ num_cpus: 36, memory_bytes: 180 * GIB, num_gpus: 0 });
    const held = [];
    for (let i = 0; i < 9; i++) held.push(ledger.reserve(cls(4, 8 * GIB)));
    expect(held.every((h) => h !== undefined)).toBe(true);
    expect(ledger.free).toEqual({ num_cpus: 0, memory_bytes: 108 * GIB, num_gpus: 0, num_nodes: 1, gpu_ids: [] });
    expect(ledger.fits(cls(1))).toBe(false);
    expect(ledger.reserve(cls(1))).toBeUndefined();
    ledger.release(held[0]!);
    expect(ledger.free.num_cpus).toBe(4);
    expect(ledger.fits(cls(4, 8 * GIB))).toBe(true);
    for (const h of held.slice(1)) ledger.release(h!);
    expect(ledger.idle).toBe(true);
    expect(ledger.free).toEqual(ledger.capacity);
  });

  it('checks memory and GPUs, and refuses multi-node classes', () => {
    const ledger = new ResourceLedger({ num_cpus: 8, memory_bytes: 4 * GIB, num_gpus: 1 });
    expect(ledger.fits(cls(1, 5 * GIB))).toBe(false);
    expect(ledger.fits(cls(1, GIB, 2))).toBe(false);
    expect(ledger.fits(cls(1, GIB, 0, 2))).toBe(false);
    expect(ledger.reserve(cls(1, GIB, 1))).toBeDefined();
    expect(ledger.fits(cls(1, GIB, 1))).toBe(false);
    expect(ledger.couldEverFit(cls(1, GIB, 1))).toBe(true);
    expect(ledger.couldEverFit(cls(9))).toBe(false);
  });

  it('never goes negative when a class rounds memory up to whole MiB', () => {
    // Offered memory is not a whole number of MiB; a class of that size (rounded up) still fits.
    const offered = 2 * GIB + 100;
    const ledger = new ResourceLedger({ num_cpus: 2, memory_bytes: offered, num_gpus: 0 });
    const held = ledger.reserve(cls(1, 2 * GIB + MIB));
    expect(held).toBeDefined();
    expect(ledger.free.memory_bytes).toBeGreaterThanOrEqual(0);
    expect(ledger.reserve(cls(1, MIB))).toBeUndefined();
  });

  it('clamps an over-release instead of growing past its capacity', () => {
    const ledger = new ResourceLedger({ num_cpus: 4, memory_bytes: GIB, num_gpus: 0 });
    const held = ledger.reserve(cls(2, GIB / 2))!;
    ledger.release(held);
    ledger.release(held);
    expect(ledger.free).toEqual({ num_cpus: 4, memory_bytes: GIB, num_gpus: 0, num_nodes: 1, gpu_ids: [] });
  });

  it('hands out nodes when it serves a whole multi-node allocation', () => {
    const ledger = new ResourceLedger({ num_cpus: 32, memory_bytes: 64 * GIB, num_gpus: 0, num_nodes: 4 });
    const three = ledger.reserve(cls(8, GIB, 0, 3))!;
    expect(three.num_nodes).toBe(3);
    expect(ledger.fits(cls(1, GIB, 0, 2))).toBe(false);
    const one = ledger.reserve(cls(1))!;
    expect(one.num_nodes).toBe(1);
    expect(ledger.fits(cls(1))).toBe(false);
    ledger.release(three);
    expect(ledger.fits(cls(1, GIB, 0, 3))).toBe(true);
    expect(ledger.couldEverFit(cls(1, GIB, 0, 5))).toBe(false);
  });

  it('rejects a negative capacity naming the field', () => {
    expect(() => new ResourceLedger({ num_cpus: -1, memory_bytes: GIB, num_gpus: 0 })).toThrow(ValidationError);
    expect(() => new ResourceLedger({ num_cpus: -1, memory_bytes: GIB, num_gpus: 0 })).toThrow(/num_cpus/);
  });
});

describe('ResourceLedger GPU devices', () => {
  it('hands out distinct device ids, never one to two jobs, and takes them back', () => {
    const ledger = new ResourceLedger({ num_cpus: 8, memory_bytes: 8 * GIB, num_gpus: 3, gpu_ids: ['2', '5', '7'] });
    const a = ledger.reserve(cls(1, GIB, 1))!;
    const b = ledger.reserve(cls(1, GIB, 2))!;
    expect(a.gpu_ids).toEqual(['2']);
    expect(b.gpu_ids).toEqual(['5', '7']);
    expect(ledger.fits(cls(1, GIB, 1))).toBe(false);
    ledger.release(b);
    const c = ledger.reserve(cls(1, GIB, 1))!;
    expect(c.gpu_ids).toEqual(['5']);
    expect(new Set([...a.gpu_ids, ...c.gpu_ids]).size).toBe(2);
    expect(ledger.free.gpu_ids).toEqual(['7']);
  });

  it('numbers GPUs 0..n-1 without detected ids, and refuses ids that do not match the count', () => {
    expect(new ResourceLedger({ num_cpus: 1, memory_bytes: GIB, num_gpus: 2 }).capacity.gpu_ids).toEqual(['0', '1']);
    expect(() => new ResourceLedger({ num_cpus: 1, memory_bytes: GIB, num_gpus: 2, gpu_ids: ['0'] })).toThrow(
      ValidationError,
    );
    expect(() => new ResourceLedger({ num_cpus: 1, memory_bytes: GIB, num_gpus: 2, gpu_ids: ['0', '0'] })).toThrow(
      /gpu_ids/,
    );
  });
});
