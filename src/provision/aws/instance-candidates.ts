/**
 * Which instance types can carry one node of a scheduler: from `DescribeInstanceTypes`
 * answers, those with at least the vCPUs, memory and GPUs asked for, that run the AMI's
 * architecture and are sold on the market in question — smallest fit first, which without a
 * price list is the closest stand-in for cheapest (within a family, price grows with size).
 */
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { NodeShape } from '../provider.js';

/** What the adapter needs to know of one instance type. */
export interface InstanceTypeFacts {
  name: string;
  vcpus: number;
  memory_bytes: number;
  gpus: number;
  architectures: string[];
  /** `spot`, `on-demand`. */
  usage_classes: string[];
  bare_metal: boolean;
  current_generation: boolean;
}

/** What one node must offer. */
export interface NodeNeed {
  min_cpus?: number;
  min_memory_bytes?: number;
  min_gpus?: number;
}

/**
 * Most candidate types put in one request. EC2 Fleet takes at most 300 overrides (types ×
 * subnets); a few dozen of the smallest fits already give price-capacity-optimized all the
 * pools it can use.
 */
export const MAX_CANDIDATE_TYPES = 20;

/** The figures of one `DescribeInstanceTypes` entry. */
export function instanceTypeFacts(info: InstanceTypeInfo): InstanceTypeFacts {
  return {
    name: info.InstanceType ?? '',
    vcpus: info.VCpuInfo?.DefaultVCpus ?? 0,
    memory_bytes: (info.MemoryInfo?.SizeInMiB ?? 0) * 1024 ** 2,
    gpus: (info.GpuInfo?.Gpus ?? []).reduce((n, g) => n + (g.Count ?? 0), 0),
    architectures: info.ProcessorInfo?.SupportedArchitectures ?? [],
    usage_classes: info.SupportedUsageClasses ?? [],
    bare_metal: info.BareMetal ?? false,
    current_generation: info.CurrentGeneration ?? false,
  };
}

/** Order: fewest vCPUs, then least memory, then fewest GPUs, then name (stable across calls). */
export function bySmallestFit(a: InstanceTypeFacts, b: InstanceTypeFacts): number {
  return a.vcpus - b.vcpus || a.memory_bytes - b.memory_bytes || a.gpus - b.gpus || a.name.localeCompare(b.name);
}

export interface CandidateQuery {
  need: NodeNeed;
  /** The user's list: only these (previous generations and bare metal allowed when named). */
  allowed?: string[];
  /** The AMI's architecture (`x86_64`, `arm64`); absent: not filtered. */
  architecture?: string;
  /** Only types sold on this market (`spot`, `on-demand`); absent: either. */
  usage_class?: string;
}

/**
 * The types that fit, smallest first, at most MAX_CANDIDATE_TYPES. Without a user list only
 * current-generation, virtualized types are offered: a previous generation costs more for
 * less, and bare metal is rarely what "at least 4 CPUs" means.
 */
export function candidateTypes(types: InstanceTypeFacts[], query: CandidateQuery): InstanceTypeFacts[] {
  const allowed = query.allowed ? new Set(query.allowed) : undefined;
  const fits = types.filter(
    (t) =>
      (allowed ? allowed.has(t.name) : t.current_generation && !t.bare_metal) &&
      t.vcpus >= (query.need.min_cpus ?? 1) &&
      t.memory_bytes >= (query.need.min_memory_bytes ?? 0) &&
      t.gpus >= (query.need.min_gpus ?? 0) &&
      // A type with more GPUs than asked for is paid for and idle: only offered when named.
      (allowed || query.need.min_gpus || t.gpus === 0) &&
      (!query.architecture || t.architectures.includes(query.architecture)) &&
      (!query.usage_class || t.usage_classes.includes(query.usage_class)),
  );
  return fits.sort(bySmallestFit).slice(0, MAX_CANDIDATE_TYPES);
}

/**
 * Part of what the kernel reports as total memory: MemTotal on an EC2 instance is 2–5 % below
 * the type's nominal size (firmware and kernel reservations), and the worker offers what it
 * measures. Reporting the nominal size would let the scaling policy ask for instances whose
 * workers then refuse the job that caused them.
 */
export const USABLE_MEMORY_FRACTION = 0.94;

/**
 * The node every candidate can at least provide: the smallest vCPUs, memory (scaled by
 * USABLE_MEMORY_FRACTION) and GPUs among them, since the fleet may launch any of them.
 */
export function guaranteedShape(candidates: InstanceTypeFacts[]): NodeShape {
  if (candidates.length === 0) return { num_cpus: 0, memory_bytes: 0, num_gpus: 0 };
  const min = (pick: (t: InstanceTypeFacts) => number) => Math.min(...candidates.map(pick));
  const mib = 1024 ** 2;
  return {
    num_cpus: min((t) => t.vcpus),
    memory_bytes: Math.floor((min((t) => t.memory_bytes) * USABLE_MEMORY_FRACTION) / mib) * mib,
    num_gpus: min((t) => t.gpus),
  };
}
