import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attemptLogPaths, startAttempt as startWith, type AttemptSpec } from './job-runner.js';
import { directLauncher, type ProcessLauncher } from './process-launcher.js';
import { startSpawnHelper } from './spawn-helper.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spec(command: string, extra: Partial<AttemptSpec> = {}): AttemptSpec {
  return {
    workflow: 'wf1',
    job: 'wf1-j1',
    jobName: 'first job',
    attempt: 2,
    command,
    cwd: dir,
    logDir: join(dir, 'logs'),
    apiUrl: 'http://127.0.0.1:9999',
    ...extra,
  };
}

/** Whether `pid` runs; a zombie (killed, not yet reaped by init) counts as gone. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Poll until `pid` is gone (signals are delivered asynchronously); false if it never goes. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (!(await alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

// Set before the spawn helper starts: it passes on the environment it was started with.
process.env.JOBGRAPH_TEST_INHERITED = 'yes';
afterAll(() => {
  delete process.env.JOBGRAPH_TEST_INHERITED;
});

describe.each(['direct', 'python', 'node'] as const)('startAttempt (%s launcher)', (kind) => {
  let launcher: ProcessLauncher = directLauncher;
  beforeAll(async () => {
    if (kind !== 'direct') launcher = await startSpawnHelper({ prefer: kind });
  });
  afterAll(async () => launcher.close());
  const startAttempt = (s: AttemptSpec) => startWith(s, launcher);

  it('runs a command to completion, writing stdout and stderr to the attempt files', async () => {
    const run = await startAttempt(spec('echo hello; echo oops >&2'));
    const outcome = await run.done;
    expect(outcome.status).toBe('completed');
    expect(outcome.return_code).toBe(0);
    expect(outcome.exec_time_s).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(outcome.completion_time))).toBe(false);
    const paths = attemptLogPaths(join(dir, 'logs'), 'wf1', 'wf1-j1', 2);
    expect(outcome.stdout_path).toBe(paths.out);
    expect(outcome.stderr_path).toBe(join(dir, 'logs', 'wf1', 'wf1-j1.a2.err'));
    expect(await readFile(paths.out, 'utf8')).toBe('hello\n');
    expect(await readFile(paths.err, 'utf8')).toBe('oops\n');
  });

  it('reports a non-zero exit as failed with its code', async () => {
    const outcome = await (await startAttempt(spec('exit 3'))).done;
    expect(outcome).toMatchObject({ status: 'failed', return_code: 3 });
  });

  it('maps death by signal to 128 + n', async () => {
    const outcome = await (await startAttempt(spec('kill -KILL $$'))).done;
    expect(outcome).toMatchObject({ status: 'failed', return_code: 137 });
  });

  it('sets the JOBGRAPH_* variables, keeps the inherited environment, and runs in cwd', async () => {
    const run = await startAttempt(
      spec(
        'echo "$JOBGRAPH_WORKFLOW|$JOBGRAPH_JOB|$JOBGRAPH_JOB_NAME|$JOBGRAPH_ATTEMPT|$JOBGRAPH_API|$JOBGRAPH_TEST_INHERITED"; pwd',
      ),
    );
    const outcome = await run.done;
    const [vars, cwd] = (await readFile(outcome.stdout_path, 'utf8')).trim().split('\n');
    expect(vars).toBe('wf1|wf1-j1|first job|2|http://127.0.0.1:9999|yes');
    expect(cwd).toBe(dir);
  });

  it("sets torc's TORC_* variables beside them (torc users' scripts read these)", async () => {
    const run = await startAttempt(
      spec('echo "$TORC_WORKFLOW_ID|$TORC_JOB_ID|$TORC_JOB_NAME|$TORC_ATTEMPT_ID|$TORC_API_URL|$TORC_OUTPUT_DIR"'),
    );
    const outcome = await run.done;
    const s = spec('');
    expect((await readFile(outcome.stdout_path, 'utf8')).trim()).toBe(
      `wf1|wf1-j1|first job|2|http://127.0.0.1:9999|${s.logDir}`,
    );
  });

  it('prefixes the command with the invocation script', async () => {
    const outcome = await (await startAttempt(spec('a b', { invocation_script: 'printf "<%s>"' }))).done;
    expect(await readFile(outcome.stdout_path, 'utf8')).toBe('<a><b>');
  });

  it('reports a command that cannot start (missing cwd) as failed', async () => {
    const outcome = await (await startAttempt(spec('true', { cwd: join(dir, 'missing') }))).done;
    expect(outcome.status).toBe('failed');
    expect(outcome.return_code).toBe(127);
    expect(outcome.message).toMatch(/could not start/);
  });

  it('terminates the whole process group, including a child sleep', async () => {
    const run = await startAttempt(spec('sleep 300 & echo $! > child.pid; wait'));
    // Wait for the shell to write the child's pid.
    let childPid = 0;
    for (let i = 0; i < 200 && !childPid; i++) {
      childPid = Number((await readFile(join(dir, 'child.pid'), 'utf8').catch(() => '')).trim()) || 0;
      if (!childPid) await new Promise((r) => setTimeout(r, 10));
    }
    expect(childPid).toBeGreaterThan(0);
    expect(await alive(childPid)).toBe(true);
    const outcome = await run.terminate();
    expect(outcome.status).toBe('terminated');
    expect(outcome.return_code).toBe(143);
    expect(await gone(childPid)).toBe(true);
  });

  it('kills with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const run = await startAttempt(
      spec("trap '' TERM; echo ready; while :; do sleep 0.05; done", { terminateGraceMs: 200 }),
    );
    for (let i = 0; i < 200; i++) {
      const out = await readFile(attemptLogPaths(join(dir, 'logs'), 'wf1', 'wf1-j1', 2).out, 'utf8');
      if (out.includes('ready')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const outcome = await run.terminate();
    expect(outcome.status).toBe('terminated');
    expect(outcome.return_code).toBe(137);
  });
});
