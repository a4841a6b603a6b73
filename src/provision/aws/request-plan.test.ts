import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../core/errors.js';
import { awsScheduler } from '../../../test/support/aws-fixtures.js';
import { parseAwsSettings } from './aws-settings.js';
import { isAvoided, marketOrder, MAX_POOLS, planRequest, type PlanInput } from './request-plan.js';

const zones = [
  { subnet: 'subnet-a', zone: 'us-east-1a' },
  { subnet: 'subnet-b', zone: 'us-east-1b' },
];

function input(fields: Record<string, unknown> = {}, rest: Partial<PlanInput> = {}): PlanInput {
  return {
    settings: parseAwsSettings(awsScheduler(fields)),
    nodes: (fields.nodes as number | undefined) ?? 1,
    candidates: { spot: ['c5.large', 'm5.large'], 'on-demand': ['c5.large', 'm5.large'] },
    placements: zones,
    liveInstances: 0,
    ...rest,
  };
}

describe('request plan', () => {
  it('tries Spot, then on-demand, for spot-then-on-demand', () => {
    expect(marketOrder('spot-then-on-demand')).toEqual(['spot', 'on-demand']);
    expect(marketOrder('spot')).toEqual(['spot']);
    expect(marketOrder('on-demand')).toEqual(['on-demand']);
    expect(planRequest(input()).attempts.map((a) => a.market)).toEqual(['spot', 'on-demand']);
  });

  it('offers every candidate type in every placement, types in order', () => {
    const [spot] = planRequest(input()).attempts;
    expect(spot!.pools).toEqual([
      { instance_type: 'c5.large', subnet: 'subnet-a', zone: 'us-east-1a' },
      { instance_type: 'c5.large', subnet: 'subnet-b', zone: 'us-east-1b' },
      { instance_type: 'm5.large', subnet: 'subnet-a', zone: 'us-east-1a' },
      { instance_type: 'm5.large', subnet: 'subnet-b', zone: 'us-east-1b' },
    ]);
  });

  it('leaves out avoided pools: a type, a zone, or a type in a zone', () => {
    const pools = (avoid: PlanInput['avoid']) =>
      planRequest(input({ market: 'spot' }, { avoid })).attempts[0]!.pools.map((p) => `${p.instance_type}@${p.zone}`);
    expect(pools([{ instance_type: 'c5.large' }])).toEqual(['m5.large@us-east-1a', 'm5.large@us-east-1b']);
    expect(pools([{ zone: 'us-east-1a' }])).toEqual(['c5.large@us-east-1b', 'm5.large@us-east-1b']);
    expect(pools([{ instance_type: 'c5.large', zone: 'us-east-1a' }])).toHaveLength(3);
    expect(isAvoided({ instance_type: 'c5.large' }, [{}])).toBe(false);
  });

  it('refuses when every pool is avoided, saying so', () => {
    const avoid = [{ zone: 'us-east-1a' }, { zone: 'us-east-1b' }];
    expect(() => planRequest(input({ market: 'spot' }, { avoid }))).toThrow(/every pool .* is being avoided/);
    // With a fallback market the avoided Spot pools are still avoided there (zones are zones).
    expect(() => planRequest(input({}, { avoid }))).toThrow(ProviderError);
  });

  it('caps the price per request at max_price × instances, and each Spot instance at max_price', () => {
    const [spot, onDemand] = planRequest(input({ nodes: 3, max_price: 0.1 })).attempts;
    expect(spot).toMatchObject({ market: 'spot', max_total_price: 0.3, max_price: 0.1 });
    expect(onDemand).toMatchObject({ market: 'on-demand', max_total_price: 0.3 });
    expect(onDemand!.max_price).toBeUndefined();
  });

  it('skips on-demand when its known price is above max_price', () => {
    const plan = planRequest(input({ max_price: 0.1, on_demand_price: 0.2 }));
    expect(plan.attempts.map((a) => a.market)).toEqual(['spot']);
  });

  it('refuses a request that would pass max_instances, counting live instances', () => {
    expect(() => planRequest(input({ max_instances: 4, nodes: 2 }, { liveInstances: 3 }))).toThrow(
      /max_instances is 4 and 3 instance\(s\) are alive/,
    );
    expect(planRequest(input({ max_instances: 4, nodes: 2 }, { liveInstances: 2 })).nodes).toBe(2);
  });

  it('refuses a market without candidates, and keeps at most MAX_POOLS pools', () => {
    expect(() =>
      planRequest(input({ market: 'spot' }, { candidates: { spot: [], 'on-demand': ['c5.large'] } })),
    ).toThrow(/no candidate instance type is sold on this market/);
    const many = Array.from({ length: 200 }, (_, i) => `t${i}.large`);
    const plan = planRequest(input({ market: 'spot' }, { candidates: { spot: many, 'on-demand': [] } }));
    expect(plan.attempts[0]!.pools).toHaveLength(MAX_POOLS);
    expect(plan.attempts[0]!.pools[0]!.instance_type).toBe('t0.large');
  });

  it('puts no placement on pools when the placement is anywhere', () => {
    const plan = planRequest(input({ market: 'on-demand' }, { placements: [{}] }));
    expect(plan.attempts[0]!.pools).toEqual([{ instance_type: 'c5.large' }, { instance_type: 'm5.large' }]);
  });
});
