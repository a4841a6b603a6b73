import { afterEach, describe, expect, it } from 'vitest';
import { fakeGpuTools, nvidiaSmiCsv, type FakeGpuTools } from '../../test/support/fake-gpu-tools.js';
import { applyVisibleDevices, discoverGpus, gpuEnvironment, parseNvidiaSmiCsv } from './gpu-discovery.js';

// A PATH with the basic tools the fake scripts need, and no real nvidia-smi/rocm-smi.
const BASE_PATH = '/usr/bin:/bin';

describe('GPU discovery', () => {
  let tools: FakeGpuTools | undefined;
  afterEach(() => tools?.remove());

  it('parses nvidia-smi CSV: index, uuid, model and memory', () => {
    const [first, ...rest] = parseNvidiaSmiCsv(nvidiaSmiCsv(2));
    expect(rest).toHaveLength(1);
    expect(first).toEqual({
      id: '0',
      vendor: 'nvidia',
      uuid: 'GPU-00000000-aaaa-bbbb-cccc-dddddddddddd',
      name: 'NVIDIA H100 80GB HBM3',
      memory_bytes: 81559 * 1024 ** 2,
    });
  });

  it('finds the GPUs of a fake nvidia-smi on PATH', async () => {
    tools = fakeGpuTools({ nvidia: 4 });
    const found = await discoverGpus({ PATH: tools.pathWith(BASE_PATH) });
    expect(found.warnings).toEqual([]);
    expect(found.devices.map((d) => d.id)).toEqual(['0', '1', '2', '3']);
    expect(found.devices[3]!.name).toBe('NVIDIA H100 80GB HBM3');
  });

  it('honours an inherited CUDA_VISIBLE_DEVICES (indices or UUIDs), keeping its ids', async () => {
    tools = fakeGpuTools({ nvidia: 4 });
    const byIndex = await discoverGpus({ PATH: tools.pathWith(BASE_PATH), CUDA_VISIBLE_DEVICES: '3,1' });
    expect(byIndex.devices.map((d) => [d.id, d.uuid])).toEqual([
      ['3', 'GPU-00000003-aaaa-bbbb-cccc-dddddddddddd'],
      ['1', 'GPU-00000001-aaaa-bbbb-cccc-dddddddddddd'],
    ]);
    const byUuid = await discoverGpus({
      PATH: tools.pathWith(BASE_PATH),
      CUDA_VISIBLE_DEVICES: 'GPU-00000002-aaaa-bbbb-cccc-dddddddddddd',
    });
    expect(byUuid.devices.map((d) => d.id)).toEqual(['GPU-00000002-aaaa-bbbb-cccc-dddddddddddd']);
    expect(byUuid.devices[0]!.memory_bytes).toBe(81559 * 1024 ** 2);
    expect((await discoverGpus({ PATH: tools.pathWith(BASE_PATH), CUDA_VISIBLE_DEVICES: '' })).devices).toEqual([]);
  });

  it('stops at an invalid entry, as CUDA does', () => {
    expect(applyVisibleDevices([], '0,-1,2').map((d) => d.id)).toEqual(['0']);
  });

  it('finds AMD GPUs through rocm-smi when there is no NVIDIA one', async () => {
    tools = fakeGpuTools({ amd: 2 });
    const found = await discoverGpus({ PATH: tools.pathWith(BASE_PATH) });
    expect(found.devices.map((d) => [d.id, d.vendor, d.name])).toEqual([
      ['0', 'amd', 'AMD Instinct MI250X'],
      ['1', 'amd', 'AMD Instinct MI250X'],
    ]);
  });

  it('makes a failing tool a warning and no GPUs, and a missing one silent', async () => {
    tools = fakeGpuTools({ broken: true });
    const broken = await discoverGpus({ PATH: tools.pathWith(BASE_PATH) });
    expect(broken.devices).toEqual([]);
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]).toMatch(/nvidia-smi failed/);
    expect(await discoverGpus({ PATH: '/nonexistent' })).toEqual({ devices: [], warnings: [] });
  });

  it('confines a job to its devices', () => {
    expect(gpuEnvironment(['1', '3'])).toEqual({ CUDA_VISIBLE_DEVICES: '1,3', JOBGRAPH_GPU_IDS: '1,3' });
    expect(gpuEnvironment([])).toEqual({ CUDA_VISIBLE_DEVICES: '', JOBGRAPH_GPU_IDS: '' });
    expect(gpuEnvironment(['2', '3'], 'amd')).toEqual({
      ROCR_VISIBLE_DEVICES: '2,3',
      HIP_VISIBLE_DEVICES: '0,1',
      CUDA_VISIBLE_DEVICES: '0,1',
      JOBGRAPH_GPU_IDS: '2,3',
    });
  });
});
