/**
 * The node an allocation of a Slurm scheduler gets, for the scaling policy. What the job asks
 * for decides it; the partition's nodes (from sinfo) fill in what it leaves to Slurm: all of a
 * node with `--exclusive` or `--mem=0`, and a share of its memory when no memory is asked for.
 */
import type { NodeShape } from '../provider.js';
import type { SbatchOptions } from './sbatch-options.js';
import { parseSlurmMemory } from './slurm-units.js';

/** One node of a partition as sinfo describes it. */
export interface SlurmNodeFacts {
  cpus: number;
  memoryBytes: number;
  gpus: number;
}

/** The sinfo format the facts are read from: partition (`*` marks the default), CPUs, memory (MB), generic resources. */
export const SINFO_NODE_FORMAT = '%P|%c|%m|%G';

/** GPUs in a gres string: `gpu:2`, `gpu:a100:4(S:0-1)`, `gpu,nvme:1` (a bare `gpu` is one). */
export function gpusInGres(gres: string | undefined): number {
  if (!gres || gres === '(null)') return 0;
  return gres
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((item) => item.trim().split(':'))
    .filter((parts) => parts[0] === 'gpu' || parts[0] === 'gres/gpu')
    .reduce((sum, parts) => {
      const count = parts.length > 1 && /^\d+$/.test(parts[parts.length - 1]!) ? Number(parts[parts.length - 1]) : 1;
      return sum + count;
    }, 0);
}

/**
 * The smallest node (fewest CPUs, then least memory) of `partition` in `sinfo -h -N -o
 * '%P|%c|%m|%G'` output, or of the default partition when none is named: a job of the
 * partition may land on any of its nodes.
 */
export function smallestNode(sinfoOutput: string, partition?: string): SlurmNodeFacts | undefined {
  const rows = sinfoOutput
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter((f) => f.length === 4 && /^\d+$/.test(f[1]!));
  const wanted = rows.filter(([p]) =>
    partition === undefined ? p!.endsWith('*') : p!.replace(/\*$/, '') === partition,
  );
  const nodes = wanted.map(([, cpus, mem, gres]) => ({
    cpus: Number(cpus),
    memoryBytes: parseSlurmMemory(mem!.replace(/\+$/, '')) ?? 0,
    gpus: gpusInGres(gres),
  }));
  nodes.sort((a, b) => a.cpus - b.cpus || a.memoryBytes - b.memoryBytes);
  return nodes[0];
}

/** `--mem=0` asks for all of a node's memory. */
const allMemory = (mem: string | true | undefined) => typeof mem === 'string' && parseSlurmMemory(mem) === 0;

const count = (value: string | true | undefined) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : 1;

/** Whether the shape depends on the partition's nodes, not only on what the job asks for. */
export function needsNodeFacts(options: SbatchOptions): boolean {
  const mem = options.get('mem');
  return options.has('exclusive') || (mem === undefined && !options.has('mem-per-cpu')) || allMemory(mem);
}

/** The shape from the job's options (`extra` included) and, where needed, the smallest node. */
export function slurmNodeShape(options: SbatchOptions, node?: SlurmNodeFacts): NodeShape {
  const exclusive = options.has('exclusive') && options.get('exclusive') !== 'user';
  const asked = count(options.get('cpus-per-task')) * count(options.get('ntasks-per-node'));
  const num_cpus = exclusive && node ? node.cpus : asked;

  const mem = options.get('mem');
  const perCpu = options.get('mem-per-cpu');
  let memory_bytes: number;
  if (typeof mem === 'string' && !allMemory(mem)) memory_bytes = parseSlurmMemory(mem) ?? 0;
  else if (typeof perCpu === 'string') memory_bytes = (parseSlurmMemory(perCpu) ?? 0) * num_cpus;
  else if (!node) memory_bytes = 0;
  else if (allMemory(mem) || exclusive) memory_bytes = node.memoryBytes;
  else memory_bytes = Math.floor((node.memoryBytes * Math.min(num_cpus, node.cpus)) / node.cpus);

  const gpusPerNode = options.get('gpus-per-node');
  const num_gpus =
    gpusInGres(typeof options.get('gres') === 'string' ? (options.get('gres') as string) : undefined) +
    (typeof gpusPerNode === 'string' ? gpusInGres(`gpu:${gpusPerNode}`) : 0);
  return { num_cpus, memory_bytes, num_gpus };
}
