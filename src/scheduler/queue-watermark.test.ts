import { describe, expect, it } from 'vitest';
import { liveSlots, needsRefill, promotionBudget, queueWatermark, slotsOn } from './queue-watermark.js';

const GIB = 1024 ** 3;
const small = { num_cpus: 1, memory_bytes: 1 * GIB, num_gpus: 0, num_nodes: 1, runtime_s: 3600 };
const gpu = { num_cpus: 2, memory_bytes: 4 * GIB, num_gpus: 1, num_nodes: 1, runtime_s: 3600 };
const node16 = { num_cpus: 16, memory_bytes: 64 * GIB, num_gpus: 0 };
const gpuNode = { num_cpus: 32, memory_bytes: 256 * GIB, num_gpus: 4 };

describe('queue watermark', () => {
  it('counts the slots of a class on a worker by its scarcest dimension', () => {
    expect(slotsOn(small, node16)).toBe(16);
    expect(slotsOn({ ...small, memory_bytes: 8 * GIB }, node16)).toBe(8);
    expect(slotsOn(gpu, node16)).toBe(0);
    expect(slotsOn(gpu, gpuNode)).toBe(4);
    expect(slotsOn({ ...small, num_nodes: 2 }, node16)).toBe(1);
    // Asking for nothing countable: one per CPU.
    expect(slotsOn({ ...small, num_cpus: 0, memory_bytes: 0 }, node16)).toBe(16);
  });

  it('is the floor without live workers, twice the live slots above it', () => {
    expect(queueWatermark(small, [], 100)).toBe(100);
    expect(liveSlots(small, [node16, gpuNode])).toBe(48);
    expect(queueWatermark(small, [node16, gpuNode], 100)).toBe(100);
    expect(queueWatermark(small, [node16, gpuNode], 10)).toBe(96);
  });

  it('budgets what each queue down to half its mark lacks, others adding nothing, the floor for a workflow without queues', () => {
    expect(promotionBudget([], [node16], 10)).toBe(10);
    const queues = [
      { resourceClass: small, waiting: 16 }, // mark 32, at half of it: lacks 16
      { resourceClass: gpu, waiting: 50 }, // no GPU worker: mark 10, over it
    ];
    expect(promotionBudget(queues, [node16], 10)).toBe(16);
    // Above half its mark a queue waits: no claim and no enqueue for each entry taken.
    expect(promotionBudget([{ resourceClass: small, waiting: 17 }], [node16], 10)).toBe(0);
    expect(promotionBudget([{ resourceClass: small, waiting: 40 }], [node16], 10)).toBe(0);
    expect(promotionBudget([{ resourceClass: small, waiting: 0 }], [node16], 10)).toBe(32);
  });

  it('refills a queue once it is down to half its mark (rounded down)', () => {
    expect(needsRefill(50, 100)).toBe(true);
    expect(needsRefill(51, 100)).toBe(false);
    expect(needsRefill(2, 5)).toBe(true);
    expect(needsRefill(3, 5)).toBe(false);
    expect(needsRefill(0, 1)).toBe(true);
    expect(needsRefill(1, 1)).toBe(false);
  });
});
