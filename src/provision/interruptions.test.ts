import { describe, expect, it } from 'vitest';
import { allocationDoc, iso, T0 } from '../../test/support/allocation-fixtures.js';
import { findInterruptions, noticedEnds, poolsToAvoid, unreplaced, type NoticeEvent } from './interruptions.js';

const MIN = 60_000;

const notice = (allocationKey: string, at: number, fields: Partial<NoticeEvent> = {}): NoticeEvent => ({
  type: 'spot_interruption_notice',
  allocation: allocationKey,
  instance_type: 't3.micro',
  zone: 'us-east-1a',
  time: iso(at),
  ...fields,
});

describe('interruptions', () => {
  const allocations = [
    allocationDoc('a1'),
    allocationDoc('a2', {
      state: 'ended',
      reason: 'preempted',
      ended_at: iso(T0 + 5 * MIN),
      details: {
        instances: [
          { id: 'i-1', type: 'c5.large', zone: 'us-east-1b' },
          { id: 'i-2', type: 'm5.large', zone: 'us-east-1b' },
        ],
        instance_states: [
          { id: 'i-1', type: 'c5.large', zone: 'us-east-1b', reason: 'preempted' },
          { id: 'i-2', type: 'm5.large', zone: 'us-east-1b', reason: 'canceled' },
        ],
      },
    }),
    allocationDoc('a3', { scheduler: 's2' }),
    allocationDoc('a4', { state: 'ended', reason: 'finished' }),
    // Preempted, with no word on which instance: every instance it launched.
    allocationDoc('a6', {
      scheduler: 's3',
      state: 'ended',
      reason: 'preempted',
      ended_at: iso(T0),
      details: { instances: [{ id: 'i-3', type: 'c5.large', zone: 'us-east-1c' }] },
    }),
  ];
  const notices = [
    notice('a1', T0 + 2 * MIN),
    notice('a1', T0 + 2 * MIN), // a retried post stored twice would change nothing
    notice('a3', T0 + 3 * MIN, { type: 'rebalance_recommendation', instance_type: 'x', zone: 'y' }),
    notice('nope', T0), // not an allocation of this workflow
    notice('a4', T0, { type: 'something_else' }),
  ];
  const found = findInterruptions(allocations, notices);

  it('finds preempted allocations and notices, one per allocation and kind', () => {
    expect(found).toEqual([
      {
        allocation: 'a2',
        scheduler: 's1',
        kind: 'preempted',
        at: T0 + 5 * MIN,
        pools: [{ instance_type: 'c5.large', zone: 'us-east-1b' }],
      },
      {
        allocation: 'a6',
        scheduler: 's3',
        kind: 'preempted',
        at: T0,
        pools: [{ instance_type: 'c5.large', zone: 'us-east-1c' }],
      },
      {
        allocation: 'a1',
        scheduler: 's1',
        kind: 'interruption',
        at: T0 + 2 * MIN,
        pools: [{ instance_type: 't3.micro', zone: 'us-east-1a' }],
      },
      { allocation: 'a3', scheduler: 's2', kind: 'rebalance', at: T0 + 3 * MIN, pools: [] },
    ]);
  });

  it('avoids the interrupted pools of each scheduler for a while, once each, never after a rebalance', () => {
    expect(poolsToAvoid(found, T0 + 6 * MIN, 15 * MIN)).toEqual(
      new Map([
        [
          's1',
          [
            { instance_type: 'c5.large', zone: 'us-east-1b' },
            { instance_type: 't3.micro', zone: 'us-east-1a' },
          ],
        ],
        ['s3', [{ instance_type: 'c5.large', zone: 'us-east-1c' }]],
      ]),
    );
    // 15 minutes after the notice (17 after a1's), a2's pool is still avoided until T0 + 20 min.
    expect(poolsToAvoid(found, T0 + 17 * MIN, 15 * MIN).get('s1')).toEqual([
      { instance_type: 'c5.large', zone: 'us-east-1b' },
    ]);
    expect(poolsToAvoid(found, T0 + 20 * MIN, 15 * MIN)).toEqual(new Map());
  });

  it('tells the policy when noticed allocations stop taking work', () => {
    expect(noticedEnds(found)).toEqual(
      new Map([
        ['a1', T0 + 2 * MIN],
        ['a3', T0 + 3 * MIN],
      ]),
    );
  });

  it('lists the interrupted allocations no allocation replaces yet, oldest first per scheduler', () => {
    expect(unreplaced(found, allocations)).toEqual(
      new Map([
        ['s3', ['a6']],
        ['s1', ['a1', 'a2']],
        ['s2', ['a3']],
      ]),
    );
    const replacing = [...allocations, allocationDoc('a5', { replaces: 'a1' })];
    expect(unreplaced(found, replacing).get('s1')).toEqual(['a2']);
    const refused = [...allocations, allocationDoc('a5', { replaces: 'a1', state: 'ended', reason: 'failed' })];
    expect(unreplaced(found, refused).get('s1')).toEqual(['a1', 'a2']);
  });
});
