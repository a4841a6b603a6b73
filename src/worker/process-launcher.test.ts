import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAttempt, type AttemptSpec } from './job-runner.js';
import { directLauncher } from './process-launcher.js';
import { startSpawnHelper, type SpawnHelperKind } from './spawn-helper.js';

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

const helper = (kind: SpawnHelperKind) => () => startSpawnHelper({ prefer: kind });

describe.each([
  ['direct', async () => directLauncher],
  ['python spawn helper', helper('python')],
  ['node spawn helper', helper('node')],
])('%s launcher', (_kind, make) => {
  it('starts a process group leader with its output in files, and reports its exit', async () => {
    const launcher = await make();
    try {
      const p = await launcher.launch(
        request('echo "$EXTRA"; echo err >&2; ps -o pgid= -p $$; pwd; read x; echo "[$x]"; exit 4'),
      );
      expect(await p.exited).toEqual({ code: 4, signal: null });
      const [extra, pgid, cwd, stdin] = (await readFile(join(dir, 'logs', 'deep', 'a.out'), 'utf8')).trim().split('\n');
      expect(extra).toBe('x');
      expect(Number(pgid)).toBe(p.pid);
      expect(cwd).toBe(dir);
      expect(stdin).toBe('[]');
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

  it('hands the job every signal at its default: SIGPIPE ends a writer, SIGTERM ends the job', async () => {
    const launcher = await make();
    try {
      // With SIGPIPE ignored (Python ignores it), \`yes\` would get EPIPE, complain and exit 1.
      const piped = await launcher.launch(request('(yes; echo "yes ended $?" >&2) | head -n 1 >/dev/null'));
      expect(await piped.exited).toEqual({ code: 0, signal: null });
      expect(await readFile(join(dir, 'logs', 'deep', 'a.err'), 'utf8')).toBe('yes ended 141\n');
      const sleeper = await launcher.launch(request('exec sleep 30'));
      process.kill(-sleeper.pid, 'SIGTERM');
      expect(await sleeper.exited).toEqual({ code: null, signal: 'SIGTERM' });
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

describe.each(['python', 'node'] as const)('%s spawn helper', (kind) => {
  it('survives SIGINT (a terminal Ctrl-C reaches the whole group)', async () => {
    const helper = await startSpawnHelper({ prefer: kind });
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
    const helper = await startSpawnHelper({ prefer: kind });
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

describe('choosing a spawn helper', () => {
  it('auto prefers Python and falls back to Node when no Python starts', async () => {
    const auto = await startSpawnHelper();
    await auto.close();
    expect(auto.kind).toBe('python');
    const fallback = await startSpawnHelper({ python: join(dir, 'no-python3') });
    try {
      expect(fallback.kind).toBe('node');
      const p = await fallback.launch(request('exit 0'));
      expect(await p.exited).toEqual({ code: 0, signal: null });
    } finally {
      await fallback.close();
    }
  });

  it('says why each kind did not start when none does', async () => {
    await expect(startSpawnHelper({ prefer: 'python', python: join(dir, 'no-python3') })).rejects.toThrow(
      /spawn helper did not start \(python \(.*no-python3\): spawn .*no-python3 ENOENT\)/,
    );
  });

  it('falls back when the Python is too old or not Python (exits before ready)', async () => {
    // A stand-in "python" that exits 3 at once, as the helper does on Python < 3.8.
    const fake = join(dir, 'old-python3');
    await writeFile(fake, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const h = await startSpawnHelper({ python: fake });
    await h.close();
    expect(h.kind).toBe('node');
  });
});
