import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeGpuTools, type FakeGpuTools } from '../../test/support/fake-gpu-tools.js';
import { detectMachineResources, offeredGpus } from './machine-resources.js';

describe('machine resources', () => {
  let tools: FakeGpuTools | undefined;
  afterEach(() => tools?.remove());

  it('detects this machine: logical cores, total memory, and the GPUs of nvidia-smi', async () => {
    tools = fakeGpuTools({ nvidia: 2 });
    const r = await detectMachineResources({ PATH: tools.pathWith('/usr/bin:/bin') });
    expect(r.num_cpus).toBe(availableParallelism());
    expect(r.memory_bytes).toBeGreaterThan(0);
    expect(r.gpus.map((g) => [g.id, g.name])).toEqual([
      ['0', 'NVIDIA H100 80GB HBM3'],
      ['1', 'NVIDIA H100 80GB HBM3'],
    ]);
    expect(r.gpuWarnings).toEqual([]);
  });

  it('offers the count asked for: detected devices first, then free indices', () => {
    const two = [
      { id: '3', vendor: 'nvidia' as const },
      { id: '0', vendor: 'nvidia' as const },
    ];
    expect(offeredGpus(two, undefined).map((g) => g.id)).toEqual(['3', '0']);
    expect(offeredGpus(two, 0)).toEqual([]);
    expect(offeredGpus(two, 1).map((g) => g.id)).toEqual(['3']);
    expect(offeredGpus(two, 4).map((g) => g.id)).toEqual(['3', '0', '1', '2']);
    expect(offeredGpus([], 2).map((g) => g.id)).toEqual(['0', '1']);
  });
});
