/**
 * `jobgraph allocations KEY`: one row per allocation — state (and why it ended), nodes, jobs
 * its workers ran, time it held its nodes and, where the provider gave a price, its cost —
 * and the workflow's total. Pure over the documents the API lists.
 *
 * Cost is the allocation's whole price per hour (`details.price_per_hour`: for aws, the sum of
 * its instances' prices at launch) × the time it held its nodes (first start to last end). An
 * allocation that never started cost nothing; one with no recorded price has no cost and a
 * `cost_note` saying why, never a guess.
 */
import type { AllocationDoc, BaseDoc, EdgeDoc } from '../core/model.js';
import { allocationSeconds } from '../provision/allocation-transition.js';

export interface AllocationRow {
  allocation: string;
  scheduler: string;
  provider: string;
  provider_id?: string;
  state: string;
  reason?: string;
  message?: string;
  nodes: number;
  node_names: string[];
  jobs_run: number;
  seconds: number;
  /** USD, when the provider recorded a price per hour (0 when it never started). */
  cost?: number;
  /** Why there is no cost. */
  cost_note?: string;
  /** Cloud allocations: the instance types it got and the market it bought them on. */
  instance_types?: string[];
  market?: string;
  submitted_at: string;
}

export interface AllocationReport {
  allocations: AllocationRow[];
  /** `cost` sums the allocations with a cost; `unpriced` counts those without (the total is then a lower bound). */
  total: { allocations: number; jobs_run: number; seconds: number; cost?: number; unpriced: number };
}

/** The whole allocation's price per hour (every instance), when the provider recorded one. */
function pricePerHour(doc: AllocationDoc): number | undefined {
  const price = doc.details?.price_per_hour;
  return typeof price === 'number' && Number.isFinite(price) ? price : undefined;
}

/** Cost in USD, or why it is unknown. */
function costOf(doc: AllocationDoc, seconds: number): Pick<AllocationRow, 'cost' | 'cost_note'> {
  if (!doc.started_at) return { cost: 0 };
  const price = pricePerHour(doc);
  if (price !== undefined) return { cost: (price * seconds) / 3600 };
  const note = doc.details?.price_note;
  return { cost_note: typeof note === 'string' ? note : `no price recorded by the ${doc.provider} provider` };
}

/** The distinct instance types and the market of a cloud allocation. */
function instanceFacts(doc: AllocationDoc): Pick<AllocationRow, 'instance_types' | 'market'> {
  const types = Array.isArray(doc.details?.instance_types)
    ? [...new Set(doc.details.instance_types.filter((t): t is string => typeof t === 'string'))]
    : [];
  const market = doc.details?.market;
  return {
    ...(types.length > 0 && { instance_types: types }),
    ...(typeof market === 'string' && { market }),
  };
}

export function buildAllocationReport(
  allocations: AllocationDoc[],
  computeNodes: BaseDoc[],
  executed: EdgeDoc[],
  now = Date.now(),
): AllocationReport {
  const allocationOfNode = new Map<string, string>();
  for (const n of computeNodes) if (typeof n.allocation === 'string') allocationOfNode.set(n._id, n.allocation);
  const jobsRun = new Map<string, number>();
  for (const e of executed) {
    const allocation = allocationOfNode.get(e._from);
    if (allocation) jobsRun.set(allocation, (jobsRun.get(allocation) ?? 0) + 1);
  }
  const rows = [...allocations]
    .sort((a, b) => a.submitted_at.localeCompare(b.submitted_at) || a._key.localeCompare(b._key))
    .map((a): AllocationRow => {
      const seconds = allocationSeconds(a, now);
      return {
        allocation: a._key,
        scheduler: a.scheduler_name,
        provider: a.provider,
        ...(a.provider_id !== undefined && { provider_id: a.provider_id }),
        state: a.state,
        ...(a.reason !== undefined && { reason: a.reason }),
        ...(a.message !== undefined && { message: a.message }),
        nodes: a.nodes,
        node_names: a.node_names ?? [],
        jobs_run: jobsRun.get(a._key) ?? 0,
        seconds,
        ...costOf(a, seconds),
        ...instanceFacts(a),
        submitted_at: a.submitted_at,
      };
    });
  const costs = rows.filter((r) => r.cost !== undefined);
  return {
    allocations: rows,
    total: {
      allocations: rows.length,
      jobs_run: rows.reduce((n, r) => n + r.jobs_run, 0),
      seconds: rows.reduce((n, r) => n + r.seconds, 0),
      ...(costs.length > 0 && { cost: costs.reduce((n, r) => n + r.cost!, 0) }),
      unpriced: rows.length - costs.length,
    },
  };
}
