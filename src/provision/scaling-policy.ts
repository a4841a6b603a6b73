/**
 * Automatic allocation: from the work waiting per scheduler and resource class and the
 * allocations alive, what to submit and what to cancel. Pure: the caller reads the graph
 * and the providers, this decides, the caller acts.
 *
 * The model. A node of scheduler S (its `NodeShape`) runs `perNode` jobs of a class at once
 * (the smallest of CPUs, memory and GPUs divided by the class's needs; a job of k > 1 nodes
 * takes k whole nodes). The runnable work of S — its ready, queued and running jobs, blocked
 * ones not yet — needs Σ count / perNode nodes, i.e. ceil(nodes / S.nodes) allocations.
 * Allocations alive (submitting, pending, running with time left for the work) count
 * against that; the difference is submitted, never beyond `max_allocations` alive at once
 * (counting every live allocation, also one about to end). Pending
 * allocations beyond what the work needs are canceled (newest first); running ones are left
 * to end by themselves (their workers exit when idle or when the workflow finishes).
 * Counting pending allocations keeps a scheduler from submitting again every pass while
 * Slurm's queue holds the first ones.
 *
 * Jobs without a scheduler of their own go to the first scheduler (in the given order) that
 * can run them; a job no scheduler can run is reported, never waited for silently.
 */
import type { Resources } from '../core/model.js';
import { formatMemory } from '../core/units.js';
import type { DemandGroup } from '../graph/graph-store.js';
import type { NodeShape } from './provider.js';

export interface ScalingScheduler {
  key: string;
  name: string;
  /** Nodes per allocation. */
  nodes: number;
  walltime_s?: number;
  max_allocations?: number;
  /** What one node offers. */
  node: NodeShape;
}

export interface LiveAllocation {
  key: string;
  scheduler: string;
  state: 'submitting' | 'pending' | 'running';
  /** When it ends (ms since the epoch), once running. */
  ends_at?: number;
  /** When it was submitted (ms): newest pending ones are canceled first. */
  submitted_at: number;
}

export interface ScalingInput {
  schedulers: ScalingScheduler[];
  demand: DemandGroup[];
  allocations: LiveAllocation[];
  /** ms since the epoch. */
  now: number;
  /** Seconds before an allocation's end when its workers take no new job. @default 0 */
  bufferS?: number;
}

export interface ScalingDecision {
  submit: Array<{ scheduler: string; count: number; reason: string }>;
  /** Allocation keys to cancel, with why. */
  cancel: Array<{ allocation: string; reason: string }>;
  /** Work no scheduler can run. */
  unplaceable: Array<{ scheduler?: string; resources: Resources; jobs: number; reason: string }>;
}

/** How many jobs of `r` one node of `s` runs at once (fractions for multi-node jobs); 0 when none fits. */
export function jobsPerNode(r: Resources, s: Pick<ScalingScheduler, 'node' | 'nodes'>): number {
  if (r.num_nodes > 1) return r.num_nodes <= s.nodes && fitsNode(r, s.node) ? 1 / r.num_nodes : 0;
  if (!fitsNode(r, s.node)) return 0;
  const ratios = [Math.floor(s.node.num_cpus / Math.max(r.num_cpus, 1))];
  if (r.memory_bytes > 0) ratios.push(Math.floor(s.node.memory_bytes / r.memory_bytes));
  if (r.num_gpus > 0) ratios.push(Math.floor(s.node.num_gpus / r.num_gpus));
  return Math.min(...ratios);
}

function fitsNode(r: Resources, node: NodeShape): boolean {
  return r.num_cpus <= node.num_cpus && r.memory_bytes <= node.memory_bytes && r.num_gpus <= node.num_gpus;
}

/** Why `s` can never run jobs of `r` (undefined when it can). */
export function unfitReason(r: Resources, s: ScalingScheduler, bufferS = 0): string | undefined {
  const reasons: string[] = [];
  if (r.num_cpus > s.node.num_cpus) reasons.push(`needs ${r.num_cpus} CPUs, a node has ${s.node.num_cpus}`);
  if (r.memory_bytes > s.node.memory_bytes)
    reasons.push(`needs ${formatMemory(r.memory_bytes)} of memory, a node has ${formatMemory(s.node.memory_bytes)}`);
  if (r.num_gpus > s.node.num_gpus) reasons.push(`needs ${r.num_gpus} GPUs, a node has ${s.node.num_gpus}`);
  if (r.num_nodes > s.nodes) reasons.push(`needs ${r.num_nodes} nodes, an allocation has ${s.nodes}`);
  if (s.walltime_s !== undefined && (r.runtime_s === 0 || r.runtime_s > s.walltime_s - bufferS))
    reasons.push(
      r.runtime_s === 0
        ? 'has no runtime limit, the walltime is limited'
        : `needs ${r.runtime_s} s, the walltime leaves ${Math.max(0, s.walltime_s - bufferS)} s`,
    );
  return reasons.length ? `scheduler "${s.name}": ${reasons.join('; ')}` : undefined;
}

export function decideScaling(input: ScalingInput): ScalingDecision {
  const bufferS = input.bufferS ?? 0;
  const byKey = new Map(input.schedulers.map((s) => [s.key, s]));
  const decision: ScalingDecision = { submit: [], cancel: [], unplaceable: [] };
  const nodesNeeded = new Map<string, number>();
  const shortestRuntime = new Map<string, number>();

  for (const group of input.demand) {
    const runnable = group.ready + group.queued + group.running;
    if (runnable === 0) continue;
    const target = placeGroup(group, input.schedulers, byKey, bufferS);
    if (typeof target === 'string') {
      decision.unplaceable.push({
        ...(group.scheduler && { scheduler: group.scheduler }),
        resources: group.resources,
        jobs: runnable,
        reason: target,
      });
      continue;
    }
    nodesNeeded.set(target.key, (nodesNeeded.get(target.key) ?? 0) + runnable / jobsPerNode(group.resources, target));
    if (group.ready + group.queued > 0) {
      const shortest = shortestRuntime.get(target.key);
      shortestRuntime.set(target.key, Math.min(shortest ?? Infinity, group.resources.runtime_s));
    }
  }

  for (const s of input.schedulers) {
    const mine = input.allocations.filter((a) => a.scheduler === s.key);
    // A running allocation that cannot start any waiting job before its end does not count.
    const shortest = shortestRuntime.get(s.key);
    const useful = mine.filter(
      (a) =>
        a.state !== 'running' ||
        a.ends_at === undefined ||
        shortest === undefined ||
        (a.ends_at - input.now) / 1000 - bufferS >= shortest,
    );
    const needed = Math.ceil((nodesNeeded.get(s.key) ?? 0) / Math.max(s.nodes, 1) - 1e-9);
    // The need counts useful allocations; the cap counts every live one (an allocation whose
    // workers take no more work still holds its nodes until it ends).
    const count = Math.min(needed - useful.length, (s.max_allocations ?? Infinity) - mine.length);
    if (count > 0) {
      decision.submit.push({
        scheduler: s.key,
        count,
        reason: `${needed} allocation${needed === 1 ? '' : 's'} of work waiting, ${useful.length} alive`,
      });
    }
    if (useful.length > needed) {
      const pending = mine
        .filter((a) => a.state === 'pending')
        .sort((a, b) => b.submitted_at - a.submitted_at)
        .slice(0, useful.length - needed);
      for (const a of pending)
        decision.cancel.push({
          allocation: a.key,
          reason: `no longer needed: ${needed} needed, ${useful.length} alive`,
        });
    }
  }
  return decision;
}

/** The scheduler a group runs on, or why none can. */
function placeGroup(
  group: DemandGroup,
  schedulers: ScalingScheduler[],
  byKey: Map<string, ScalingScheduler>,
  bufferS: number,
): ScalingScheduler | string {
  if (group.scheduler !== undefined) {
    const own = byKey.get(group.scheduler);
    if (!own) return `its scheduler ${group.scheduler} is not one this service runs`;
    return unfitReason(group.resources, own, bufferS) ?? own;
  }
  const reasons: string[] = [];
  for (const s of schedulers) {
    const why = unfitReason(group.resources, s, bufferS);
    if (!why) return s;
    reasons.push(why);
  }
  return reasons.length ? reasons.join('; ') : 'no scheduler is defined';
}
