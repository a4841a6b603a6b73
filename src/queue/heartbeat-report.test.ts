import { describe, expect, it } from 'vitest';
import { encodeHeartbeat, heldAttemptId, MAX_HELD_ATTEMPTS, parseHeartbeat } from './heartbeat-report.js';

describe('heartbeat reports', () => {
  it('round-trips the beat number and the attempts held', () => {
    const held = [
      { workflow: 'wf', job: 'a', attempt: 1 },
      { workflow: 'wf', job: 'b', attempt: 3 },
    ];
    const report = parseHeartbeat(encodeHeartbeat(4, held));
    expect(report?.seq).toBe(4);
    expect([...report!.held!]).toEqual(held.map(heldAttemptId));
    expect(parseHeartbeat(encodeHeartbeat(5, []))?.held?.size).toBe(0);
  });

  it('reads an older worker’s bare time, a missing key and a malformed value as no report', () => {
    expect(parseHeartbeat(new Date().toISOString())).toBeUndefined();
    expect(parseHeartbeat(null)).toBeUndefined();
    expect(parseHeartbeat('{"seq":')).toBeUndefined();
    expect(parseHeartbeat('{"seq":-1,"held":[]}')).toBeUndefined();
    expect(parseHeartbeat('{"seq":1,"held":[["wf","a",0]]}')).toBeUndefined();
    expect(parseHeartbeat('{"seq":1,"held":[["wf",""]]}')).toBeUndefined();
  });

  it('leaves the list out — no report of what is held — when it is too long', () => {
    const many = Array.from({ length: MAX_HELD_ATTEMPTS + 1 }, (_, i) => ({
      workflow: 'wf',
      job: `j${i}`,
      attempt: 1,
    }));
    const report = parseHeartbeat(encodeHeartbeat(1, many));
    expect(report).toEqual({ seq: 1 });
    expect(parseHeartbeat(encodeHeartbeat(2, undefined))).toEqual({ seq: 2 });
  });

  it('carries the size the worker offers, and a beat without one parses as before', () => {
    const capacity = { num_cpus: 2, memory_bytes: 1024 ** 3, num_gpus: 1 };
    expect(parseHeartbeat(encodeHeartbeat(3, [], new Date(), capacity))).toMatchObject({ seq: 3, capacity });
    expect(parseHeartbeat(encodeHeartbeat(3, []))?.capacity).toBeUndefined();
    expect(parseHeartbeat('{"seq":1,"capacity":{"num_cpus":-1,"memory_bytes":1,"num_gpus":0}}')).toBeUndefined();
  });
});
