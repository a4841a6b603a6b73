import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OOM_MESSAGE, attemptLogPaths, startAttempt, type AttemptSpec } from './job-runner.js';
import { enforceRuntimeLimit, runtimeExceededMessage } from './runtime-limit.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-limit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = (command: string): AttemptSpec => ({
  workflow: 'wf1',
  job: 'wf1-j1',
  jobName: 'j',
  attempt: 1,
  command,
  cwd: dir,
  logDir: join(dir, 'logs'),
  apiUrl: 'http://127.0.0.1:9999',
  terminateGraceMs: 200,
});

describe('runtime limit', () => {
  it('terminates an attempt that outlives its limit and says why', async () => {
    const run = await startAttempt(spec('sleep 30'));
    let told = false;
    const limit = enforceRuntimeLimit(run, 0.2, () => (told = true));
    const outcome = limit.annotate(await run.done);
    limit.clear();
    expect(told).toBe(true);
    expect(limit.exceeded).toBe(true);
    expect(outcome).toMatchObject({ status: 'terminated', return_code: 143, message: runtimeExceededMessage(0.2) });
  });

  it('leaves an attempt that ends in time alone', async () => {
    const run = await startAttempt(spec('exit 4'));
    const limit = enforceRuntimeLimit(run, 60);
    const outcome = limit.annotate(await run.done);
    limit.clear();
    expect(limit.exceeded).toBe(false);
    expect(outcome).toMatchObject({ status: 'failed', return_code: 4 });
    expect(outcome.message).toBeUndefined();
  });

  it('treats a limit of 0 as none', async () => {
    const run = await startAttempt(spec('sleep 0.3'));
    const limit = enforceRuntimeLimit(run, 0);
    expect((await run.done).status).toBe('completed');
    expect(limit.exceeded).toBe(false);
  });

  it('reports a SIGKILL the worker did not send as likely out of memory, but not its own', async () => {
    expect((await (await startAttempt(spec('kill -9 $$'))).done).message).toBe(OOM_MESSAGE);
    const stubborn = await startAttempt(spec("trap '' TERM; echo ready; sleep 30"));
    // SIGTERM before the trap is set would end the shell: wait until it is.
    const out = attemptLogPaths(join(dir, 'logs'), 'wf1', 'wf1-j1', 1).out;
    for (let i = 0; i < 200 && (await readFile(out, 'utf8').catch(() => '')) === ''; i++)
      await new Promise((r) => setTimeout(r, 50));
    const outcome = await stubborn.terminate();
    expect(outcome).toMatchObject({ status: 'terminated', return_code: 137 });
    expect(outcome.message).toBeUndefined();
  });
});
