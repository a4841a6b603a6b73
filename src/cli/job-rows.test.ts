import { describe, expect, it } from 'vitest';
import type { ComputeNodeDoc, JobDoc, ResultDoc } from '../core/model.js';
import { jobRows, lastLines, resultRows } from './job-rows.js';

const job = (name: string, status: string, attempt = 1) =>
  ({ _key: `k-${name}`, name, status, attempt }) as unknown as JobDoc;
const result = (name: string, attempt: number, extra: Partial<ResultDoc>) =>
  ({
    _key: `k-${name}-a${attempt}`,
    job: `k-${name}`,
    attempt,
    status: 'failed',
    return_code: 1,
    exec_time_s: 2,
    compute_node: 'n1',
    completion_time: 't',
    ...extra,
  }) as unknown as ResultDoc;
const nodes = [{ _key: 'n1', hostname: 'gpu-07' }] as unknown as ComputeNodeDoc[];

describe('jobRows', () => {
  it('says why: message, lost worker, exit code, canceled before running; node by host name; natural order', () => {
    const rows = jobRows(
      [
        job('step_10', 'failed'),
        job('step_2', 'failed'),
        job('oom', 'failed'),
        job('c', 'canceled'),
        job('ok', 'completed'),
      ],
      [
        result('step_10', 1, { return_code: 3 }),
        result('step_2', 1, { lost: true, return_code: -1 }),
        result('oom', 1, { return_code: 137, message: 'killed (SIGKILL): likely out of memory' }),
        result('ok', 1, { status: 'completed', return_code: 0 }),
      ],
      nodes,
    );
    expect(rows.map((r) => [r.name, r.reason, r.node])).toEqual([
      ['c', 'canceled before it ran', null],
      ['ok', null, 'gpu-07'],
      ['oom', 'killed (SIGKILL): likely out of memory', 'gpu-07'],
      ['step_2', 'worker lost', 'gpu-07'],
      ['step_10', 'exit code 3', 'gpu-07'],
    ]);
  });

  it("does not show an earlier attempt's result for a job that runs again", () => {
    const [row] = jobRows([job('a', 'running', 2)], [result('a', 1, { return_code: 3 })], nodes);
    expect(row).toMatchObject({ attempt: 2, return_code: null, reason: null, node: null });
  });
});

describe('resultRows and lastLines', () => {
  it('lists attempts by job name then attempt', () => {
    const rows = resultRows([result('a', 2, {}), result('a', 1, {})], [job('a', 'failed', 2)], nodes);
    expect(rows.map((r) => [r.job, r.attempt])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('keeps the last lines, without a trailing empty one', () => {
    expect(lastLines('1\n2\n3\n', 2)).toEqual(['2', '3']);
    expect(lastLines(undefined, 2)).toEqual([]);
  });
});
