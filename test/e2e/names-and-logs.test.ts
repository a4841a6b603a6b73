/**
 * Issue 11, items 1–3 end to end with the real CLI: `run` says why a job failed (reason, node,
 * duration, last stderr lines), then — with no server running — `workflow status|jobs|results`
 * and `logs` read the run's `.jobgraph/` store, naming the workflow and jobs by name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { makeRunDir, runCli, type CliResult } from './support/cli.js';

/** An API address nothing listens on: the client commands must find the local store instead. */
const NO_API = 'http://127.0.0.1:9';

const SPEC = `name: why-demo
jobs:
  - name: step_10
    command: echo ten
  - name: step_2
    command: echo two; echo "two on stderr" >&2
  - name: step_1
    command: echo one
  - name: bad
    command: for i in 1 2 3 4 5 6 7; do echo "bad line $i" >&2; done; echo "bad stdout"; exit 3
`;

describe('why a job failed, and the store after run', { timeout: 180_000 }, () => {
  let dir: string;
  let run: CliResult;
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { cwd: dir, env: { JOBGRAPH_API: NO_API, ...env } });

  beforeAll(async () => {
    dir = makeRunDir();
    writeFileSync(join(dir, 'why.yaml'), SPEC);
    run = await runCli(['run', 'why.yaml'], {
      cwd: dir,
      env: { REDIS_URL: inject('redisUrl'), JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}` },
    });
  }, 120_000);

  it("run's table shows names in natural order, reason, node and duration, then each failure's stderr", () => {
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^job\s+status\s+attempt\s+return_code\s+node\s+duration\s+reason$/);
    const names = lines.slice(1, 5).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['bad', 'step_1', 'step_2', 'step_10']);
    expect(lines[1]).toMatch(/^bad\s+failed\s+1\s+3\s+\S+\s+\d+\.\d\ds\s+exit code 3$/);
    // The failure block: name, reason and the last 5 stderr lines (3..7), not the first ones.
    expect(run.stdout).toMatch(/\nbad: failed — exit code 3\n {2}\| bad line 3\n(.*\n){3} {2}\| bad line 7\n/);
    expect(run.stdout).not.toMatch(/bad line 2/);
    expect(run.stdout).toMatch(/workflow \S+ \(why-demo\): failed — (1 failed, 3 completed|3 completed, 1 failed)\n/);
    expect(run.stdout).toMatch(/jobgraph logs \S+ JOB/);
  });

  it('workflow status, jobs and results work by workflow name without a server', async () => {
    const status = await cli(['workflow', 'status', 'why-demo']);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/no API at http:\/\/127\.0\.0\.1:9; reading the local store/);
    expect(status.stdout).toMatch(/: failed \(4 jobs\)/);

    const jobs = await cli(['workflow', 'jobs', 'why-demo', '--json']);
    expect(jobs.code).toBe(0);
    const rows = JSON.parse(jobs.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.name)).toEqual(['bad', 'step_1', 'step_2', 'step_10']);
    expect(rows[0]).toMatchObject({ status: 'failed', attempt: 1, return_code: 3, reason: 'exit code 3' });
    expect(typeof rows[0]!.node).toBe('string');
    expect(rows[0]!.duration_s).toBeGreaterThanOrEqual(0);
    expect(String(rows[0]!.stderr_path)).toMatch(/\.jobgraph\/logs\/.+\.a1\.err$/);

    const results = await cli(['workflow', 'results', 'why-demo']);
    expect(results.code).toBe(0);
    expect(results.stdout).toMatch(
      /^job\s+attempt\s+status\s+return_code\s+node\s+duration\s+completed\s+reason\s+stderr/,
    );
    expect(results.stdout).toMatch(/\nbad\s+1\s+failed\s+3\s.*exit code 3\s+\S+\.a1\.err\n/);
  });

  it('logs prints a job by name: stdout, --stderr, and the tail its worker sent when the file is gone', async () => {
    const out = await cli(['logs', 'why-demo', 'step_2']);
    expect(out).toMatchObject({ code: 0, stdout: 'two\n' });
    const err = await cli(['logs', 'why-demo', 'bad', '--stderr']);
    expect(err.code).toBe(0);
    expect(err.stdout).toBe([1, 2, 3, 4, 5, 6, 7].map((i) => `bad line ${i}\n`).join(''));

    // Where the worker's files are not readable (another node), the tail sent with the result.
    const jobs = JSON.parse((await cli(['workflow', 'jobs', 'why-demo', '--json'])).stdout) as Array<{
      name: string;
      stderr_path: string;
    }>;
    const { rmSync } = await import('node:fs');
    rmSync(jobs.find((j) => j.name === 'bad')!.stderr_path);
    const tail = await cli(['logs', 'why-demo', 'bad', '--stderr', '--attempt', '1']);
    expect(tail.code).toBe(0);
    expect(tail.stderr).toMatch(/is not readable here; the last \d+ characters its worker \(node \S+\) sent/);
    expect(tail.stdout).toMatch(/^bad line 1\n(.*\n)*bad line 7\n$/);
  });

  it('--db names a store explicitly; an unknown job or workflow is a clear error', async () => {
    const viaDb = await runCli(['workflow', 'jobs', 'why-demo', '--db', join(dir, '.jobgraph/graph.sqlite')], {
      cwd: '/',
    });
    expect(viaDb.code).toBe(0);
    expect(viaDb.stdout).toMatch(/\nstep_10\s+completed/);

    const noJob = await cli(['logs', 'why-demo', 'nope']);
    expect(noJob.code).toBe(1);
    expect(noJob.stderr).toMatch(/error: jobs\/nope does not exist \(not_found\)/);
    const noWf = await cli(['workflow', 'jobs', 'no-such-workflow']);
    expect(noWf.code).toBe(1);
    expect(noWf.stderr).toMatch(/workflows\/no-such-workflow does not exist/);
  });
});
