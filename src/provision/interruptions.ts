/**
 * What interruptions mean for getting compute (pure): read from the graph — allocations that
 * ended `preempted`, and the notices workers posted as events (`spot_interruption_notice`,
 * `rebalance_recommendation`, see worker/instance-watch.ts) — they decide three things:
 *
 * - **pools to avoid**: after a Spot interruption (a notice, or an allocation ended
 *   `preempted`) the scheduler's next allocations stay out of that pool (instance type + zone)
 *   for `avoidMs` from the interruption, passed to the provider as `avoid`;
 * - **when a noticed allocation ends**: its workers take nothing new (an interruption's time, a
 *   rebalance's drain), so the scaling policy stops counting it as capacity for waiting work
 *   then, and the work gets a replacement without waiting for the instance to die;
 * - **replacements**: the next allocation of a scheduler after one of its allocations was
 *   interrupted says which one it replaces (recorded once: an allocation record names it in
 *   `replaces`).
 *
 * Nothing is kept between passes: everything is derived from the graph each time, so a
 * restarted provisioner avoids the same pools until the same moment.
 */
import type { AllocationDoc } from '../core/model.js';
import type { AvoidPool } from './provider.js';

/** Event types the workers post (worker/instance-watch.ts). */
export const INTERRUPTION_NOTICE = 'spot_interruption_notice';
export const REBALANCE_RECOMMENDATION = 'rebalance_recommendation';

/** The fields of a notice event this reads. */
export interface NoticeEvent {
  type: string;
  allocation?: unknown;
  instance_type?: unknown;
  zone?: unknown;
  /** When EC2 acts (interruption) or recommended (rebalance). */
  time?: unknown;
  timestamp?: unknown;
}

/** One allocation that EC2 took, is taking, or advised leaving. */
export interface Interruption {
  allocation: string;
  scheduler: string;
  kind: 'preempted' | 'interruption' | 'rebalance';
  /** ms since the epoch: when it ended, or when the notice says. */
  at: number;
  /** The pools it ran in (none for a rebalance: nothing was taken yet). */
  pools: AvoidPool[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const time = (...values: unknown[]): number | undefined =>
  values.map((v) => (typeof v === 'string' ? Date.parse(v) : NaN)).find((ms) => Number.isFinite(ms));

/**
 * The pools of an allocation's preempted instances: those the provider's last status says were
 * preempted (aws `instance_states`), else every instance it launched (`instances`).
 */
function preemptedPools(doc: AllocationDoc): AvoidPool[] {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);
  const states = list(doc.details?.instance_states).filter((i) => i.reason === 'preempted');
  const taken = states.length > 0 ? states : list(doc.details?.instances);
  return taken.map((i) => ({ instance_type: text(i.type), zone: text(i.zone) })).filter(isPool);
}

function samePool(a: AvoidPool, b: AvoidPool): boolean {
  return a.instance_type === b.instance_type && a.zone === b.zone;
}

function isPool(p: AvoidPool): boolean {
  return p.instance_type !== undefined || p.zone !== undefined;
}

/** Every interruption the graph shows, one per allocation and kind. */
export function findInterruptions(allocations: AllocationDoc[], notices: NoticeEvent[]): Interruption[] {
  const byKey = new Map(allocations.map((a) => [a._key, a]));
  const found = new Map<string, Interruption>();
  for (const a of allocations) {
    if (a.state !== 'ended' || a.reason !== 'preempted') continue;
    const at = time(a.ended_at, a.started_at, a.submitted_at) ?? 0;
    found.set(`${a._key} preempted`, {
      allocation: a._key,
      scheduler: a.scheduler,
      kind: 'preempted',
      at,
      pools: preemptedPools(a),
    });
  }
  for (const n of notices) {
    const kind =
      n.type === INTERRUPTION_NOTICE ? 'interruption' : n.type === REBALANCE_RECOMMENDATION ? 'rebalance' : undefined;
    const doc = byKey.get(text(n.allocation) ?? '');
    const at = time(n.time, n.timestamp);
    if (!kind || !doc || at === undefined) continue;
    const id = `${doc._key} ${kind}`;
    const seen = found.get(id) ?? { allocation: doc._key, scheduler: doc.scheduler, kind, at, pools: [] };
    seen.at = Math.min(seen.at, at);
    const pool = { instance_type: text(n.instance_type), zone: text(n.zone) };
    if (kind === 'interruption' && isPool(pool) && !seen.pools.some((p) => samePool(p, pool))) seen.pools.push(pool);
    found.set(id, seen);
  }
  return [...found.values()];
}

/** Per scheduler key: the pools to stay out of now (interruptions within `avoidMs`), without repeats. */
export function poolsToAvoid(interruptions: Interruption[], now: number, avoidMs: number): Map<string, AvoidPool[]> {
  const out = new Map<string, AvoidPool[]>();
  for (const i of interruptions) {
    if (i.kind === 'rebalance' || now >= i.at + avoidMs) continue;
    const pools = out.get(i.scheduler) ?? [];
    for (const p of i.pools) if (!pools.some((q) => samePool(q, p))) pools.push(p);
    if (pools.length > 0) out.set(i.scheduler, pools);
  }
  return out;
}

/** Per allocation key: when its workers stop taking work because of a notice (ms), the earliest one. */
export function noticedEnds(interruptions: Interruption[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of interruptions) {
    if (i.kind === 'preempted') continue;
    out.set(i.allocation, Math.min(out.get(i.allocation) ?? Infinity, i.at));
  }
  return out;
}

/**
 * Per scheduler key: its interrupted allocations (oldest first) that no allocation replaces yet
 * (one whose submission failed does not count) — what the next submissions of that scheduler
 * replace, one each.
 */
export function unreplaced(interruptions: Interruption[], allocations: AllocationDoc[]): Map<string, string[]> {
  // A replacement that was refused replaced nothing: the next submission tries again.
  const replaced = new Set(
    allocations.filter((a) => a.reason !== 'failed' && typeof a.replaces === 'string').map((a) => a.replaces),
  );
  const out = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const i of [...interruptions].sort((a, b) => a.at - b.at)) {
    if (replaced.has(i.allocation) || seen.has(i.allocation)) continue;
    seen.add(i.allocation);
    out.set(i.scheduler, [...(out.get(i.scheduler) ?? []), i.allocation]);
  }
  return out;
}
