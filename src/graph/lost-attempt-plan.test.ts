import { describe, expect, it } from 'vitest';
import { lostAttemptPlan } from './lost-attempt-plan.js';

describe('lostAttemptPlan', () => {
  it('re-runs below the cap and counts the re-run', () => {
    expect(lostAttemptPlan({}, { maxLostReruns: 3 })).toMatchObject({
      rerun: true,
      lostReruns: 1,
      resultMessage: 'worker lost',
    });
    expect(lostAttemptPlan({ lost_reruns: 2 }, { maxLostReruns: 3 })).toMatchObject({ rerun: true, lostReruns: 3 });
  });

  it('fails at the cap, keeping the count and naming the cap', () => {
    const plan = lostAttemptPlan({ lost_reruns: 3 }, { maxLostReruns: 3, message: 'node gone' });
    expect(plan).toMatchObject({ rerun: false, lostReruns: 3, resultMessage: 'node gone' });
    expect(plan.jobMessage).toBe(
      'node gone: the job lost its worker 4 times, more than the cap of 3 re-runs; not run again',
    );
  });

  it("prefers the job's own cap and ignores malformed counters", () => {
    expect(lostAttemptPlan({ max_lost_reruns: 0 }, { maxLostReruns: 3 }).rerun).toBe(false);
    expect(lostAttemptPlan({ max_lost_reruns: -1, lost_reruns: 'x' }, { maxLostReruns: 1 })).toMatchObject({
      rerun: true,
      lostReruns: 1,
    });
  });

  it('measures the attempt from started_at', () => {
    const plan = lostAttemptPlan({ started_at: '2026-01-01T00:00:00.000Z' }, { maxLostReruns: 3 });
    expect(plan.execTimeS('2026-01-01T00:00:30.000Z')).toBe(30);
    expect(lostAttemptPlan({}, { maxLostReruns: 3 }).execTimeS('2026-01-01T00:00:30.000Z')).toBe(0);
  });
});
