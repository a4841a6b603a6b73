import { describe, expect, it } from 'vitest';
import { readSlurmNode } from './slurm-node.js';

const MB = 1024 ** 2;

describe('readSlurmNode', () => {
  it('is undefined outside Slurm', () => expect(readSlurmNode({ PATH: '/bin' })).toBeUndefined());

  it('reads a batch job with --mem (environment as Slurm 22.05 sets it)', () =>
    expect(
      readSlurmNode({
        SLURM_JOB_ID: '12',
        SLURM_CPUS_ON_NODE: '4',
        SLURM_MEM_PER_NODE: '2000',
        SLURM_JOB_NUM_NODES: '2',
        SLURM_NODEID: '1',
      }),
    ).toEqual({ jobId: '12', numCpus: 4, memoryBytes: 2000 * MB, numGpus: 0, numNodes: 2, nodeId: 1 }));

  it('multiplies memory per CPU by the CPUs on the node', () =>
    expect(readSlurmNode({ SLURM_JOB_ID: '3', SLURM_CPUS_ON_NODE: '2', SLURM_MEM_PER_CPU: '1000' })!.memoryBytes).toBe(
      2000 * MB,
    ));

  it('leaves memory undefined when Slurm tracks none', () =>
    expect(readSlurmNode({ SLURM_JOB_ID: '3', SLURM_CPUS_ON_NODE: '2' })!.memoryBytes).toBeUndefined());

  it('counts GPUs from SLURM_GPUS_ON_NODE, else CUDA_VISIBLE_DEVICES', () => {
    expect(readSlurmNode({ SLURM_JOB_ID: '1', SLURM_GPUS_ON_NODE: '4', CUDA_VISIBLE_DEVICES: '0' })!.numGpus).toBe(4);
    expect(readSlurmNode({ SLURM_JOB_ID: '1', CUDA_VISIBLE_DEVICES: '0,1,3' })!.numGpus).toBe(3);
    expect(readSlurmNode({ SLURM_JOB_ID: '1', CUDA_VISIBLE_DEVICES: 'NoDevFiles' })!.numGpus).toBe(0);
  });
});
