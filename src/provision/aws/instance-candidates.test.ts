import { describe, expect, it } from 'vitest';
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { typeFacts } from '../../../test/support/aws-fixtures.js';
import {
  candidateTypes,
  guaranteedShape,
  instanceTypeFacts,
  MAX_CANDIDATE_TYPES,
  USABLE_MEMORY_FRACTION,
} from './instance-candidates.js';

const GiB = 1024 ** 3;
const types = [
  typeFacts('m5.xlarge', { vcpus: 4, memory_bytes: 16 * GiB }),
  typeFacts('c5.large', { vcpus: 2, memory_bytes: 4 * GiB }),
  typeFacts('c5.xlarge', { vcpus: 4, memory_bytes: 8 * GiB }),
  typeFacts('m6g.xlarge', { vcpus: 4, memory_bytes: 16 * GiB, architectures: ['arm64'] }),
  typeFacts('g4dn.xlarge', { vcpus: 4, memory_bytes: 16 * GiB, gpus: 1 }),
  typeFacts('m4.xlarge', { vcpus: 4, memory_bytes: 16 * GiB, current_generation: false }),
  typeFacts('m5.metal', { vcpus: 96, memory_bytes: 384 * GiB, bare_metal: true }),
  typeFacts('x1.16xlarge', { vcpus: 64, memory_bytes: 976 * GiB, usage_classes: ['on-demand'] }),
];
const names = (list: { name: string }[]) => list.map((t) => t.name);

describe('instance type candidates', () => {
  it('reads vCPUs, memory, GPUs and architecture from DescribeInstanceTypes', () => {
    const info: InstanceTypeInfo = {
      InstanceType: 'g4dn.xlarge',
      VCpuInfo: { DefaultVCpus: 4 },
      MemoryInfo: { SizeInMiB: 16384 },
      GpuInfo: { Gpus: [{ Count: 1, Name: 'T4' }] },
      ProcessorInfo: { SupportedArchitectures: ['x86_64'] },
      SupportedUsageClasses: ['on-demand', 'spot'],
      CurrentGeneration: true,
      BareMetal: false,
    };
    expect(instanceTypeFacts(info)).toEqual({
      name: 'g4dn.xlarge',
      vcpus: 4,
      memory_bytes: 16 * GiB,
      gpus: 1,
      architectures: ['x86_64'],
      usage_classes: ['on-demand', 'spot'],
      bare_metal: false,
      current_generation: true,
    });
  });

  it('keeps types with at least the need, smallest fit first', () => {
    const fit = candidateTypes(types, { need: { min_cpus: 4, min_memory_bytes: 8 * GiB }, architecture: 'x86_64' });
    expect(names(fit)).toEqual(['c5.xlarge', 'm5.xlarge', 'x1.16xlarge']);
  });

  it('leaves out other architectures, GPU types unless GPUs are asked for, old generations and bare metal', () => {
    const all = names(candidateTypes(types, { need: {}, architecture: 'x86_64' }));
    expect(all).not.toContain('m6g.xlarge');
    expect(all).not.toContain('g4dn.xlarge');
    expect(all).not.toContain('m4.xlarge');
    expect(all).not.toContain('m5.metal');
    expect(names(candidateTypes(types, { need: { min_gpus: 1 } }))).toEqual(['g4dn.xlarge']);
  });

  it('restricts to the user list, where old generations and bare metal are allowed', () => {
    const fit = candidateTypes(types, { need: { min_cpus: 4 }, allowed: ['m4.xlarge', 'm5.metal', 'c5.large'] });
    expect(names(fit)).toEqual(['m4.xlarge', 'm5.metal']);
  });

  it('keeps only types sold on the market asked for', () => {
    expect(names(candidateTypes(types, { need: { min_cpus: 64 }, usage_class: 'spot' }))).toEqual([]);
    expect(names(candidateTypes(types, { need: { min_cpus: 64 }, usage_class: 'on-demand' }))).toEqual(['x1.16xlarge']);
  });

  it('caps the number of candidates', () => {
    const many = Array.from({ length: 50 }, (_, i) => typeFacts(`t${i}.large`, { vcpus: 2 + i }));
    expect(candidateTypes(many, { need: {} })).toHaveLength(MAX_CANDIDATE_TYPES);
  });

  it('reports the node every candidate can provide, memory as the kernel will see it', () => {
    const shape = guaranteedShape([types[0]!, types[2]!]);
    expect(shape.num_cpus).toBe(4);
    expect(shape.num_gpus).toBe(0);
    expect(shape.memory_bytes).toBeLessThanOrEqual(8 * GiB * USABLE_MEMORY_FRACTION);
    expect(shape.memory_bytes).toBeGreaterThan(8 * GiB * USABLE_MEMORY_FRACTION - 1024 ** 2);
    expect(guaranteedShape([])).toEqual({ num_cpus: 0, memory_bytes: 0, num_gpus: 0 });
  });
});
