import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureHandler } from '../core/failure-policy.js';
import { silentLogger } from '../core/logger.js';
import { cachedHandlerLookup, recoverIfRetried, recoveryLogPaths } from './failure-recovery.js';
import type { AttemptOutcome, AttemptSpec } from './job-runner.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-recovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = (): AttemptSpec => ({
  workflow: 'wf1',
  job: 'wf1-j1',
  jobName: 'j',
  attempt: 2,
  command: 'false',
  cwd: dir,
  logDir: join(dir, 'logs'),
  apiUrl: 'http://127.0.0.1:9999',
});
const failed = (return_code: number): AttemptOutcome => ({
  status: 'failed',
  return_code,
  exec_time_s: 0,
  completion_time: '2026-01-01T00:00:00.000Z',
  stdout_path: '',
  stderr_path: '',
});
const handlers: FailureHandler[] = [
  {
    name: 'h',
    rules: [
      {
        exit_codes: [3],
        recovery_script: 'echo "$JOBGRAPH_RETURN_CODE $JOBGRAPH_ATTEMPT $JOBGRAPH_JOB $TORC_RETURN_CODE" > fixed',
        max_retries: 1,
      },
      { exit_codes: [4], recovery_script: 'echo broken >&2; exit 2' },
      { exit_codes: [5] },
    ],
  },
];

describe('recoverIfRetried', () => {
  const lookup = cachedHandlerLookup(async () => handlers);
  const recover = (code: number, job: Record<string, unknown> = { failure_handler: 'h' }) =>
    recoverIfRetried({ spec: spec(), job, outcome: failed(code), lookup, logger: silentLogger });

  it('runs the matching rule’s script with the job environment and JOBGRAPH_RETURN_CODE / TORC_RETURN_CODE', async () => {
    expect(await recover(3)).toEqual({});
    expect(await readFile(join(dir, 'fixed'), 'utf8')).toBe('3 2 wf1-j1 3\n');
  });

  it('vetoes the retry when the script fails, keeping its output', async () => {
    expect(await recover(4)).toEqual({ no_retry: true, message: 'recovery script failed (exit 2); not retried' });
    const paths = recoveryLogPaths(join(dir, 'logs'), 'wf1', 'wf1-j1', 2);
    expect(await readFile(paths.err, 'utf8')).toBe('broken\n');
  });

  it('runs nothing when no retry will follow', async () => {
    await writeFile(join(dir, 'fixed'), 'untouched');
    expect(await recover(3, { failure_handler: 'h', failure_retries: 1 })).toEqual({}); // retries spent
    expect(await recover(9)).toEqual({}); // no rule
    expect(await recover(5)).toEqual({}); // retried, but no script
    expect(await recover(3, {})).toEqual({}); // no handler
    expect(await readFile(join(dir, 'fixed'), 'utf8')).toBe('untouched');
  });

  it('vetoes the retry when the handler cannot be read, and fetches again next time', async () => {
    let calls = 0;
    const flaky = cachedHandlerLookup(async () => {
      if (++calls === 1) throw new Error('API down');
      return handlers;
    });
    const o = { spec: spec(), job: { failure_handler: 'h' }, outcome: failed(5), lookup: flaky, logger: silentLogger };
    expect(await recoverIfRetried(o)).toMatchObject({ no_retry: true });
    expect(await recoverIfRetried(o)).toEqual({});
    expect(await recoverIfRetried(o)).toEqual({});
    expect(calls).toBe(2);
  });
});
