/**
 * What one allocation request asks EC2 for, decided before any call that creates something:
 * the markets to try in order, the capacity pools (instance type × subnet or zone) of each,
 * minus the pools the caller wants to stay away from, and the caps.
 *
 * A pool is where Spot capacity and interruptions happen: after an interruption the scaling
 * policy passes that type and zone in `avoid` for a while, and the next request leaves them out.
 */
import { ProviderError } from '../../core/errors.js';
import type { AllocationRequest } from '../provider.js';
import type { AwsSettings } from './aws-settings.js';

export type PurchaseMarket = 'spot' | 'on-demand';

/** Where instances may be placed: a subnet (and its zone), a zone alone, or anywhere (`{}`). */
export interface Placement {
  subnet?: string;
  zone?: string;
}

/** One capacity pool: an instance type in a placement. */
export interface Pool extends Placement {
  instance_type: string;
}

export interface MarketAttempt {
  market: PurchaseMarket;
  pools: Pool[];
  /** USD per hour for the whole request (max_price × instances): EC2 launches nothing above it. */
  max_total_price?: number;
  /** USD per instance-hour (Spot only: the most paid for one instance). */
  max_price?: number;
}

export interface RequestPlan {
  nodes: number;
  attempts: MarketAttempt[];
}

/** EC2 Fleet takes at most 300 launch template overrides per request. */
export const MAX_POOLS = 300;

/** The markets tried, in order. */
export function marketOrder(market: AwsSettings['market']): PurchaseMarket[] {
  return market === 'spot-then-on-demand' ? ['spot', 'on-demand'] : [market];
}

/** True when `avoid` names this pool: its type, its zone, or both (each named part must match). */
export function isAvoided(pool: Pool, avoid: NonNullable<AllocationRequest['avoid']>): boolean {
  return avoid.some(
    (a) =>
      (a.instance_type !== undefined || a.zone !== undefined) &&
      (a.instance_type === undefined || a.instance_type === pool.instance_type) &&
      (a.zone === undefined || a.zone === pool.zone),
  );
}

export interface PlanInput {
  settings: AwsSettings;
  nodes: number;
  /** Candidate types per market, best first (see instance-candidates.ts). */
  candidates: Record<PurchaseMarket, string[]>;
  placements: Placement[];
  avoid?: AllocationRequest['avoid'];
  /** Live (pending or running) instances of this scheduler now: what max_instances counts. */
  liveInstances: number;
}

/**
 * Plan one request.
 * @throws ProviderError when a cap refuses it or every pool is avoided (nothing is created)
 */
export function planRequest(input: PlanInput): RequestPlan {
  const { settings, nodes } = input;
  const refuse = (why: string) =>
    new ProviderError(`aws scheduler ${settings.name}: ${why}`, { provider: 'aws', scheduler: settings.name });

  if (settings.max_instances !== undefined && input.liveInstances + nodes > settings.max_instances) {
    throw refuse(
      `max_instances is ${settings.max_instances} and ${input.liveInstances} instance(s) are alive; ` +
        `${nodes} more would exceed it`,
    );
  }
  const attempts: MarketAttempt[] = [];
  const skipped: string[] = [];
  for (const market of marketOrder(settings.market)) {
    if (market === 'on-demand' && overOnDemandPrice(settings)) {
      skipped.push(`on-demand: on_demand_price ${settings.on_demand_price} is above max_price ${settings.max_price}`);
      continue;
    }
    const pools = poolsFor(input.candidates[market], input.placements, input.avoid ?? []);
    if (pools.length === 0) {
      skipped.push(
        input.candidates[market].length === 0
          ? `${market}: no candidate instance type is sold on this market`
          : `${market}: every pool (instance type × zone) is being avoided`,
      );
      continue;
    }
    attempts.push({
      market,
      pools,
      ...(settings.max_price !== undefined && {
        max_total_price: roundPrice(settings.max_price * nodes),
        ...(market === 'spot' && { max_price: settings.max_price }),
      }),
    });
  }
  if (attempts.length === 0) throw refuse(`nothing to request (${skipped.join('; ')})`);
  return { nodes, attempts };
}

function overOnDemandPrice(settings: AwsSettings): boolean {
  return (
    settings.max_price !== undefined &&
    settings.on_demand_price !== undefined &&
    settings.on_demand_price > settings.max_price
  );
}

function poolsFor(types: string[], placements: Placement[], avoid: NonNullable<AllocationRequest['avoid']>): Pool[] {
  const pools: Pool[] = [];
  for (const instance_type of types) {
    for (const placement of placements.length > 0 ? placements : [{}]) {
      const pool = { instance_type, ...placement };
      if (!isAvoided(pool, avoid)) pools.push(pool);
    }
  }
  // Types come best first, so cutting the tail keeps the smallest fits in every placement.
  return pools.slice(0, MAX_POOLS);
}

/** EC2 takes prices as decimal strings; six places is finer than any price it quotes. */
export function roundPrice(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
