import { describe, expect, it } from 'vitest';
import { allocationDoc, iso, T0 } from '../../test/support/allocation-fixtures.js';
import type { AllocationDoc, BaseDoc, EdgeDoc } from '../core/model.js';
import { buildAllocationReport } from './allocation-report.js';

/** An allocation that ran to its end unless `fields` say otherwise. */
const allocation = (key: string, fields: Partial<AllocationDoc> = {}) =>
  allocationDoc(key, { state: 'ended', reason: 'finished', ...fields });

describe('buildAllocationReport', () => {
  it('prices an aws allocation by its whole price per hour and the time it held its instances', () => {
    const report = buildAllocationReport(
      [
        allocation('a1', {
          started_at: iso(T0),
          ended_at: iso(T0 + 30 * 60_000),
          // What the aws provider records: two Spot instances at 0.05 USD/h each.
          details: {
            market: 'spot',
            instance_types: ['t3.micro', 't3.micro'],
            price_per_hour: 0.1,
            instances: [{ id: 'i-1' }, { id: 'i-2' }],
          },
        }),
        allocation('a2', {
          started_at: iso(T0),
          ended_at: iso(T0 + 60 * 60_000),
          details: { market: 'on-demand', instance_types: ['c5.large'], price_per_hour: null, price_note: 'unknown' },
        }),
        allocation('a3', { reason: 'failed', message: 'refused' }),
      ],
      [{ _key: 'n1', _id: 'compute_nodes/n1', allocation: 'a1' } as BaseDoc],
      [{ _key: 'e1', _id: 'executed/e1', _from: 'compute_nodes/n1', _to: 'jobs/j1', workflow: 'wf' } as EdgeDoc],
    );
    const [a1, a2, a3] = report.allocations;
    expect(a1).toMatchObject({ seconds: 1800, instance_types: ['t3.micro'], market: 'spot', jobs_run: 1 });
    expect(a1!.cost).toBeCloseTo(0.05, 10);
    expect(a2).toMatchObject({ seconds: 3600, cost_note: 'unknown', market: 'on-demand' });
    expect(a2!.cost).toBeUndefined();
    // Never started: held nothing, cost nothing.
    expect(a3).toMatchObject({ seconds: 0, cost: 0 });
    expect(a3!.cost_note).toBeUndefined();
    expect(report.total).toMatchObject({ allocations: 3, jobs_run: 1, seconds: 5400, unpriced: 1 });
    expect(report.total.cost).toBeCloseTo(0.05, 10);
  });

  it('says which provider recorded no price', () => {
    const [row] = buildAllocationReport(
      [allocation('s1', { provider: 'slurm', started_at: iso(T0), ended_at: iso(T0 + 1000) })],
      [],
      [],
    ).allocations;
    expect(row).toMatchObject({ cost_note: 'no price recorded by the slurm provider' });
    expect(row!.instance_types).toBeUndefined();
  });
});
