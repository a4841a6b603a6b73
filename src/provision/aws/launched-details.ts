/**
 * What is recorded on an allocation once EC2 launched its instances (`details`): ids, types,
 * zones, market and the price per hour, so the integrator can compute cost. Spot prices come
 * from `DescribeSpotPriceHistory` (the newest price of each type and zone); EC2 has no
 * on-demand price call (that is the Pricing API), so an on-demand price is the scheduler's
 * `on_demand_price` when the user gave one, else recorded as unknown.
 *
 * Nothing here may fail the submission: the instances exist by now. A lookup that fails leaves
 * its field unknown.
 */
import type { CreateFleetCommandOutput } from '@aws-sdk/client-ec2';
import { describeInstances, spotPrices } from './ec2-lookups.js';
import type { LaunchContext } from './launch-allocation.js';
import type { PreparedRequest } from './prepare-request.js';
import { roundPrice, type PurchaseMarket } from './request-plan.js';

export interface LaunchedInstance {
  id: string;
  type?: string;
  zone?: string;
  node_name?: string;
}

export interface PriceFacts {
  market: PurchaseMarket;
  /** `type@zone` → USD per hour (Spot). */
  spotPrices?: Map<string, number>;
  onDemandPrice?: number;
}

/** The `details` of a launched allocation. */
export function summarizeLaunch(region: string, instances: LaunchedInstance[], price: PriceFacts) {
  const each = instances.map((i) => {
    const perHour =
      price.market === 'spot'
        ? i.type && i.zone
          ? price.spotPrices?.get(`${i.type}@${i.zone}`)
          : undefined
        : price.onDemandPrice;
    return { ...i, market: price.market, price_per_hour: perHour ?? null };
  });
  const known = each.every((i) => i.price_per_hour !== null);
  const price_source = !known
    ? 'unknown'
    : price.market === 'spot'
      ? 'DescribeSpotPriceHistory'
      : 'scheduler on_demand_price';
  return {
    region,
    market: price.market,
    instance_ids: each.map((i) => i.id),
    instance_types: each.map((i) => i.type ?? null),
    zones: each.map((i) => i.zone ?? null),
    instances: each,
    /** USD per hour for the whole allocation (every instance), or null when a price is unknown. */
    price_per_hour: known ? roundPrice(each.reduce((sum, i) => sum + (i.price_per_hour ?? 0), 0)) : null,
    price_source,
    ...(!known && {
      price_note:
        price.market === 'on-demand'
          ? 'on-demand price unknown: set on_demand_price on the scheduler to record costs'
          : 'Spot price could not be read (DescribeSpotPriceHistory)',
    }),
  };
}

export async function launchedDetails(
  ctx: LaunchContext,
  prepared: PreparedRequest,
  market: PurchaseMarket,
  ids: string[],
  answer: Pick<CreateFleetCommandOutput, 'Instances'>,
): Promise<Record<string, unknown>> {
  const typeOf = new Map<string, string | undefined>();
  for (const group of answer.Instances ?? []) {
    for (const id of group.InstanceIds ?? []) typeOf.set(id, group.InstanceType);
  }
  const instances: LaunchedInstance[] = ids.map((id) => ({ id, type: typeOf.get(id) }));
  try {
    const described = await describeInstances(ctx.client, [{ Name: 'instance-id', Values: ids }]);
    for (const d of described) {
      const i = instances.find((x) => x.id === d.InstanceId);
      if (!i) continue;
      i.type = d.InstanceType ?? i.type;
      i.zone = d.Placement?.AvailabilityZone;
      i.node_name = d.PrivateDnsName || undefined;
    }
  } catch (err) {
    // EC2 is eventually consistent: instances just launched may not be described yet.
    ctx.logger?.warn({ err, ids }, 'aws: could not describe instances just launched');
  }
  let prices: Map<string, number> | undefined;
  if (market === 'spot') {
    const pools = instances.flatMap((i) => (i.type && i.zone ? [{ type: i.type, zone: i.zone }] : []));
    prices = await spotPrices(ctx.client, pools).catch((err: unknown) => {
      ctx.logger?.warn({ err }, 'aws: could not read Spot prices');
      return undefined;
    });
  }
  return summarizeLaunch(ctx.region, instances, {
    market,
    spotPrices: prices,
    onDemandPrice: prepared.settings.on_demand_price,
  });
}
