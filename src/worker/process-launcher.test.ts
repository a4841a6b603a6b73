import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAttempt, type AttemptSpec } from './job-runner.js';
import { directLauncher, startSpawnHelper } from './process-launcher.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-launcher-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (command: string) => ({
  file: '/bin/sh',
  args: ['-c', command],
  cwd: dir,
  env: { EXTRA: 'x' },
  stdoutPath: join(dir, 'logs', 'deep', 'a.out'),
  stderrPath: join(dir, 'logs', 'deep', 'a.err'),
});

describe.each([
  ['direct', async () => directLauncher],
  ['spawn helper', startSpawnHelper],
])('%s launcher', (_kind, make) => {
  it('starts a process group leader with its output in files, and reports its exit', async () => {
    const launcher = await make();
    try {
      const p = await launcher.launch(request('echo "$EXTRA"; echo err >&2; ps -o pgid= -p $$; exit 4'));
      expect(await p.exited).toEqual({ code: 4, signal: null });
      const [extra, pgid] = (await readFile(join(dir, 'logs', 'deep', 'a.out'), 'utf8')).trim().split('\n');
      expect(extra).toBe('x');
      expect(Number(pgid)).toBe(p.pid);
      expect(await readFile(join(dir, 'logs', 'deep', 'a.err'), 'utf8')).toBe('err\n');
    } finally {
      await launcher.close();
    }
  });

  it('rejects a launch whose environment holds a NUL, and goes on launching', async () => {
    const launcher = await make();
    try {
      await expect(launcher.launch({ ...request('true'), env: { JOBGRAPH_JOB_NAME: 'a\0b' } })).rejects.toThrow(
        /null bytes/,
      );
      const p = await launcher.launch(request('exit 0'));
      expect(await p.exited).toEqual({ code: 0, signal: null });
    } finally {
      await launcher.close();
    }
  });

  it('rejects a launch in a missing directory', async () => {
    const launcher = await make();
    try {
      await expect(launcher.launch({ ...request('true'), cwd: join(dir, 'missing') })).rejects.toThrow();
    } finally {
      await launcher.close();
    }
  });
});

describe('spawn helper', () => {
  it('survives SIGINT (a terminal Ctrl-C reaches the whole group)', async () => {
    const helper = await startSpawnHelper();
    try {
      process.kill(helper.pid!, 'SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      const p = await helper.launch(request('true'));
      expect(await p.exited).toEqual({ code: 0, signal: null });
    } finally {
      await helper.close();
    }
  });

  it('when it dies, a running job is reported once its shell has ended, and launches fail', async () => {
    const helper = await startSpawnHelper();
    const spec: AttemptSpec = {
      workflow: 'wf',
      job: 'j',
      jobName: 'j',
      attempt: 1,
      command: 'sleep 0.5; echo slept',
      cwd: dir,
      logDir: join(dir, 'logs'),
      apiUrl: 'http://127.0.0.1:1',
    };
    const run = await startAttempt(spec, helper);
    process.kill(helper.pid!, 'SIGKILL');
    const outcome = await run.done;
    expect(outcome.message).toMatch(/exit status lost/);
    // Reported only after the job really ended: its output is complete.
    expect(await readFile(outcome.stdout_path, 'utf8')).toBe('slept\n');
    await expect(helper.launch(request('true'))).rejects.toThrow(/spawn helper/);
  });
});
