import { describe, expect, it } from 'vitest';
import { applyNotice, instanceFields, noticeEvent } from './instance-watch.js';
import { Lease } from './lease.js';

const instance = instanceFields({ instanceId: 'i-1', instanceType: 't3.micro', zone: 'us-east-1a', lifecycle: 'spot' });
const at = new Date('2026-01-02T03:04:05Z');

describe('instance notices', () => {
  it('an interruption ends the lease at its time; a rebalance drains it', () => {
    const lease = new Lease({ now: () => at.getTime() - 120_000 });
    applyNotice(lease, { kind: 'interruption', action: 'terminate', time: at });
    expect(lease.endsAt).toEqual(at);
    expect(lease.notice?.reason).toBe('spot interruption');
    expect(lease.draining).toBeUndefined();

    const other = new Lease();
    applyNotice(other, { kind: 'rebalance', time: at });
    expect(other.draining).toBe('rebalance recommendation');
    expect(other.endsAt).toBeUndefined();
  });

  it('each notice is one event, keyed by worker, kind and time', () => {
    const event = noticeEvent(
      { kind: 'interruption', action: 'terminate', time: at },
      { workerId: 'w1', allocation: 'wf-a1', instance },
    );
    expect(event).toEqual({
      _key: `w1-interruption-${at.getTime()}`,
      type: 'spot_interruption_notice',
      worker_id: 'w1',
      allocation: 'wf-a1',
      instance_id: 'i-1',
      instance_type: 't3.micro',
      zone: 'us-east-1a',
      market: 'spot',
      action: 'terminate',
      time: '2026-01-02T03:04:05.000Z',
    });
    expect(noticeEvent({ kind: 'rebalance', time: at }, { workerId: 'w1' })).toEqual({
      _key: `w1-rebalance-${at.getTime()}`,
      type: 'rebalance_recommendation',
      worker_id: 'w1',
      time: '2026-01-02T03:04:05.000Z',
    });
  });
});
