import { describe, expect, it } from 'vitest';
import type { RunningAttempt } from '../graph/graph-store.js';
import { heldAttemptId, type HeartbeatReport } from '../queue/heartbeat-report.js';
import { UnheldAttempts } from './unheld-attempts.js';

const attempt = (job: string, worker_id = 'w1', attempt = 1): RunningAttempt => ({
  workflow: 'wf',
  job,
  attempt,
  compute_node: `wf-${worker_id}`,
  worker_id,
});

function beat(seq: number, held?: RunningAttempt[]): HeartbeatReport {
  return { seq, ...(held && { held: new Set(held.map(heldAttemptId)) }) };
}

const reports = (entries: Record<string, HeartbeatReport | undefined>) => new Map(Object.entries(entries));

describe('UnheldAttempts', () => {
  it('confirms an attempt missing from a beat and from one numbered two past it — not from the next one', () => {
    const rule = new UnheldAttempts();
    const a = attempt('a');
    expect(rule.judge([a], reports({ w1: beat(7, []) }))).toEqual([]);
    // Beat 8 may have been built before the start committed (the race): not enough.
    expect(rule.judge([a], reports({ w1: beat(8, []) }))).toEqual([]);
    expect(rule.judge([a], reports({ w1: beat(9, []) }))).toEqual([a]);
    // Confirmed once: the suspicion is gone with it.
    expect(rule.judge([a], reports({ w1: beat(9, []) }))).toEqual([]);
  });

  it('forgets a suspicion when the attempt shows up as held, or stops running', () => {
    const rule = new UnheldAttempts();
    const a = attempt('a');
    rule.judge([a], reports({ w1: beat(1, []) }));
    rule.judge([a], reports({ w1: beat(2, [a]) })); // the start's answer arrived: held
    expect(rule.judge([a], reports({ w1: beat(3, []) }))).toEqual([]); // suspected afresh at 3
    rule.judge([], reports({})); // completed: no longer running
    expect(rule.judge([a], reports({ w1: beat(9, []) }))).toEqual([]);
    expect(rule.judge([a], reports({ w1: beat(11, []) }))).toEqual([a]);
  });

  it('never judges a worker that lists nothing (an older worker, a list too long) or has no report', () => {
    const rule = new UnheldAttempts();
    const a = attempt('a');
    for (let seq = 1; seq < 10; seq++) expect(rule.judge([a], reports({ w1: beat(seq) }))).toEqual([]);
    for (let i = 0; i < 3; i++) expect(rule.judge([a], reports({ w1: undefined }))).toEqual([]);
  });

  it('starts again when the beat numbers go back (a new worker process) or the attempt moves to another worker', () => {
    const rule = new UnheldAttempts();
    rule.judge([attempt('a')], reports({ w1: beat(50, []) }));
    expect(rule.judge([attempt('a')], reports({ w1: beat(1, []) }))).toEqual([]);
    expect(rule.judge([attempt('a')], reports({ w1: beat(2, []) }))).toEqual([]);
    const moved = attempt('a', 'w2');
    expect(rule.judge([moved], reports({ w2: beat(3, []) }))).toEqual([]);
    expect(rule.judge([moved], reports({ w2: beat(5, []) }))).toEqual([moved]);
  });

  it('judges each attempt of a worker on its own', () => {
    const rule = new UnheldAttempts();
    const [a, b] = [attempt('a'), attempt('b')];
    rule.judge([a, b], reports({ w1: beat(1, [b]) }));
    expect(rule.judge([a, b], reports({ w1: beat(3, [b]) }))).toEqual([a]);
  });
});
