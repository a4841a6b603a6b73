import { describe, expect, it } from 'vitest';
import { Lease } from './lease.js';

describe('Lease', () => {
  it('has no limit without an end', () => {
    const lease = new Lease();
    expect(lease.secondsForNewJobs()).toBeUndefined();
    expect(lease.secondsLeft()).toBeUndefined();
  });

  it('counts the time left minus the buffer, never below zero', () => {
    let now = 0;
    const lease = new Lease({ endsAt: new Date(100_000), bufferS: 30, now: () => now });
    expect(lease.secondsForNewJobs()).toBe(70);
    expect(lease.secondsLeft()).toBe(100);
    now = 80_000;
    expect(lease.secondsForNewJobs()).toBe(0);
    expect(lease.secondsLeft()).toBe(20);
  });

  it('a notice moves the end earlier, never later, and is heard once', () => {
    const lease = new Lease({ endsAt: new Date(100_000), now: () => 0 });
    const heard: string[] = [];
    lease.onNotice((n) => heard.push(n.reason));
    lease.announce({ reason: 'spot', at: new Date(50_000) });
    expect(lease.endsAt?.getTime()).toBe(50_000);
    lease.announce({ reason: 'spot again', at: new Date(90_000) });
    expect(lease.endsAt?.getTime()).toBe(50_000);
    expect(heard).toEqual(['spot']);
    expect(lease.notice?.reason).toBe('spot');
  });

  it('says which attempts its end cuts short, and why', () => {
    const lease = new Lease({ endsAt: new Date(100_000), now: () => 0 });
    expect(lease.cutShort(50_000, 50)).toBeUndefined();
    expect(lease.cutShort(50_001, 50)).toBe('the node goes before the job could end');
    // Without a runtime limit an attempt may run past any end.
    expect(lease.cutShort(0, 0)).toBe('the node goes before the job could end');
    lease.announce({ reason: 'spot interruption', at: new Date(60_000) });
    expect(lease.cutShort(20_000, 30)).toBeUndefined();
    expect(lease.cutShort(40_000, 30)).toBe('spot interruption');
    expect(new Lease().cutShort(0, 0)).toBeUndefined();
  });

  it('a notice gives an end to a lease that had none', () => {
    const lease = new Lease({ now: () => 0 });
    lease.announce({ reason: 'rebalance', at: new Date(120_000) });
    expect(lease.secondsForNewJobs()).toBe(120);
  });

  it('draining takes no new job from then on, keeps the end, and keeps the first reason', () => {
    let now = 0;
    const lease = new Lease({ endsAt: new Date(100_000), now: () => now });
    const heard: string[] = [];
    lease.onNotice((n) => heard.push(n.reason));
    lease.drain('rebalance recommendation');
    lease.drain('again');
    expect(lease.secondsForNewJobs()).toBe(0);
    expect(lease.draining).toBe('rebalance recommendation');
    expect(lease.endsAt?.getTime()).toBe(100_000);
    now = 10_000;
    expect(lease.secondsLeft()).toBe(90);
    expect(heard).toEqual([]);
    expect(new Lease().draining).toBeUndefined();
  });
});
