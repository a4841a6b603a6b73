import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { countComputeGpus, detectMachineResources } from './machine-resources.js';

describe('machine resources', () => {
  it('counts NVIDIA and AMD controllers only', () => {
    expect(
      countComputeGpus([
        { vendor: 'NVIDIA Corporation', model: 'A100-SXM4-80GB' },
        { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Instinct MI250X' },
        { vendor: 'Intel Corporation', model: 'UHD Graphics 630' },
        { vendor: 'Matrox Electronics Systems Ltd.', model: 'G200eR2' },
      ]),
    ).toBe(2);
    expect(countComputeGpus([])).toBe(0);
  });

  it('detects this machine: logical cores and total memory', async () => {
    const r = await detectMachineResources();
    expect(r.num_cpus).toBe(availableParallelism());
    expect(r.memory_bytes).toBeGreaterThan(0);
    expect(Number.isInteger(r.num_gpus) && r.num_gpus >= 0).toBe(true);
  });
});
