import { describe, expect, it } from 'vitest';
import { doneCount, estimateRemaining, formatElapsed, formatProgressLine } from './watch-progress.js';

describe('watch progress line', () => {
  it('formats elapsed times', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(59.6)).toBe('1m00s');
    expect(formatElapsed(90)).toBe('1m30s');
    expect(formatElapsed(3725)).toBe('1h02m05s');
  });

  it('counts finished and disabled jobs as done', () =>
    expect(doneCount({ completed: 3, failed: 1, terminated: 1, canceled: 2, disabled: 1, running: 4 })).toBe(8));

  it('estimates the time left at the rate so far, and only while it can', () => {
    expect(estimateRemaining(10, 40, 60)).toBe(180);
    expect(estimateRemaining(0, 40, 60)).toBeUndefined();
    expect(estimateRemaining(40, 40, 60)).toBeUndefined();
  });

  it('separates failed, terminated and canceled, with waiting, elapsed and ETA', () => {
    const line = formatProgressLine({
      counts: { completed: 7, failed: 1, terminated: 1, canceled: 1, running: 3, queued: 2, blocked: 5 },
      total: 20,
      elapsedS: 65,
      width: 10,
    });
    expect(line).toBe(
      ' █████░░░░░ 10/20 (50%) | 3 running, 7 waiting | 7 completed, 1 failed, 1 terminated, 1 canceled | 1m05s, ETA 1m05s',
    );
  });

  it('shows a full bar and no ETA once everything is done', () => {
    const line = formatProgressLine({ counts: { completed: 2 }, total: 2, elapsedS: 3, width: 4 });
    expect(line).toBe(' ████ 2/2 (100%) | 0 running, 0 waiting | 2 completed | 3s');
  });

  it('says nothing finished before the first job ends', () =>
    expect(formatProgressLine({ counts: { ready: 2 }, total: 2, elapsedS: 1, width: 2 })).toBe(
      ' ░░ 0/2 (0%) | 0 running, 2 waiting | none finished | 1s',
    ));
});
