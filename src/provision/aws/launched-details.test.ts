import { describe, expect, it } from 'vitest';
import { summarizeLaunch } from './launched-details.js';

const instances = [
  { id: 'i-1', type: 'c5.large', zone: 'us-east-1a' },
  { id: 'i-2', type: 'm5.large', zone: 'us-east-1b' },
];

describe('launched allocation details', () => {
  it('prices Spot instances from the price history of their pool', () => {
    const prices = new Map([
      ['c5.large@us-east-1a', 0.031],
      ['m5.large@us-east-1b', 0.04],
    ]);
    const details = summarizeLaunch('us-east-1', instances, { market: 'spot', spotPrices: prices });
    expect(details).toMatchObject({
      region: 'us-east-1',
      market: 'spot',
      instance_ids: ['i-1', 'i-2'],
      instance_types: ['c5.large', 'm5.large'],
      zones: ['us-east-1a', 'us-east-1b'],
      price_per_hour: 0.071,
      price_source: 'DescribeSpotPriceHistory',
    });
    expect(details.instances[0]).toMatchObject({ id: 'i-1', market: 'spot', price_per_hour: 0.031 });
  });

  it("prices on-demand instances with the scheduler's on_demand_price, else says it is unknown", () => {
    expect(summarizeLaunch('r', instances, { market: 'on-demand', onDemandPrice: 0.1 })).toMatchObject({
      price_per_hour: 0.2,
      price_source: 'scheduler on_demand_price',
    });
    const unknown = summarizeLaunch('r', instances, { market: 'on-demand' });
    expect(unknown).toMatchObject({ price_per_hour: null, price_source: 'unknown' });
    expect(unknown.price_note).toMatch(/set on_demand_price/);
  });

  it('leaves the price unknown when a Spot pool has no price', () => {
    const details = summarizeLaunch('r', [{ id: 'i-1' }], { market: 'spot', spotPrices: new Map() });
    expect(details).toMatchObject({ price_per_hour: null, zones: [null], price_source: 'unknown' });
  });
});
