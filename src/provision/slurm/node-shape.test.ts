import { describe, expect, it } from 'vitest';
import { gpusInGres, needsNodeFacts, slurmNodeShape, smallestNode } from './node-shape.js';
import { effectiveOptions } from './sbatch-options.js';
import { slurmScheduler } from './test-schedulers.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const node = { cpus: 36, memoryBytes: 180 * GB, gpus: 0 };
const shape = (fields: Record<string, unknown>, facts = node) =>
  slurmNodeShape(effectiveOptions(slurmScheduler(fields)), facts);

describe('slurmNodeShape', () => {
  it('one CPU by default, and the share of the node memory that goes with it', () =>
    expect(shape({})).toEqual({ num_cpus: 1, memory_bytes: 5 * GB, num_gpus: 0 }));

  it('cpus-per-task × ntasks-per-node, from defaults, fields or extra', () => {
    expect(shape({ ntasks_per_node: 4, sbatch_defaults: { cpus_per_task: 2 } }).num_cpus).toBe(8);
    expect(shape({ extra: '-c 6' }).num_cpus).toBe(6);
    expect(shape({ extra: '--cpus-per-task=3 --ntasks-per-node=2' }).num_cpus).toBe(6);
  });

  it('the memory asked for, per node or per CPU', () => {
    expect(shape({ mem: '64G' }).memory_bytes).toBe(64 * GB);
    expect(shape({ mem: 240000 }).memory_bytes).toBe(240000 * MB);
    expect(shape({ extra: '-c 4 --mem-per-cpu=2G' }).memory_bytes).toBe(8 * GB);
  });

  it('the whole node with --exclusive, and all its memory with --mem=0', () => {
    expect(shape({ extra: '--exclusive' })).toEqual({ num_cpus: 36, memory_bytes: 180 * GB, num_gpus: 0 });
    expect(shape({ sbatch_defaults: { exclusive: true }, mem: '100G' })).toEqual({
      num_cpus: 36,
      memory_bytes: 100 * GB,
      num_gpus: 0,
    });
    expect(shape({ mem: 0 }).memory_bytes).toBe(180 * GB);
  });

  it('GPUs from gres or gpus-per-node', () => {
    expect(shape({ gres: 'gpu:2' }).num_gpus).toBe(2);
    expect(shape({ gres: 'gpu:a100:4,nvme:1' }).num_gpus).toBe(4);
    expect(shape({ extra: '--gpus-per-node=a100:2' }).num_gpus).toBe(2);
  });

  it('needs the partition only when the job leaves something to it', () => {
    expect(needsNodeFacts(effectiveOptions(slurmScheduler({ mem: '4G' })))).toBe(false);
    expect(needsNodeFacts(effectiveOptions(slurmScheduler({ mem: '4G', extra: '--exclusive' })))).toBe(true);
    expect(needsNodeFacts(effectiveOptions(slurmScheduler({})))).toBe(true);
    expect(needsNodeFacts(effectiveOptions(slurmScheduler({ mem: '0' })))).toBe(true);
  });
});

describe('smallestNode', () => {
  const sinfo = ['debug*|8|16000|(null)', 'debug*|4|32000|(null)', 'gpu|64|512000|gpu:a100:4(S:0-1)', ''].join('\n');

  it('the fewest CPUs of the default partition', () =>
    expect(smallestNode(sinfo)).toEqual({ cpus: 4, memoryBytes: 32000 * MB, gpus: 0 }));

  it('of a named partition', () =>
    expect(smallestNode(sinfo, 'gpu')).toEqual({ cpus: 64, memoryBytes: 512000 * MB, gpus: 4 }));

  it('none for an empty or unknown partition', () => expect(smallestNode(sinfo, 'nope')).toBeUndefined());
});

describe('gpusInGres', () => {
  it.each([
    ['gpu', 1],
    ['gpu:2', 2],
    ['gpu:v100:3', 3],
    ['gpu:a100:4(S:0-1),gpu:t4:1', 5],
    ['nvme:1', 0],
    ['(null)', 0],
    [undefined, 0],
  ])('%j → %d', (gres, n) => expect(gpusInGres(gres)).toBe(n));
});
