import { describe, expect, it } from 'vitest';
import { readableLogLine } from './readable-log-line.js';

describe('readableLogLine', () => {
  it('shows time, level, role and message, then the other fields', () => {
    const time = new Date(2026, 0, 1, 12, 3, 4).getTime();
    const line = readableLogLine(
      JSON.stringify({
        level: 40,
        time,
        pid: 1,
        hostname: 'h',
        role: 'worker',
        msg: 'cannot reach',
        failures: 2,
        reason: 'ECONNREFUSED',
        err: { message: 'boom x' },
      }),
    );
    expect(line).toBe('12:03:04 WARN  worker: cannot reach (failures=2 reason=ECONNREFUSED err="boom x")\n');
  });

  it('passes through what is not JSON', () => {
    expect(readableLogLine('plain')).toBe('plain\n');
  });
});
