/**
 * Restarts end to end (decision 0007): `jobgraph run` leaves a workflow in
 * `.jobgraph/graph.sqlite`; a `jobgraph server` opens that file, `jobgraph workflow
 * restart` plans from the files on disk, and a `jobgraph worker start --workflow` runs
 * what was reset. Real processes, the suite's redis-server, real shell jobs.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { makeRunDir, runCli, spawnCli } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const SPEC = `name: restart-e2e
files:
  - { name: data, path: data.csv }
  - { name: gate, path: gate.txt }
  - { name: mid, path: mid.txt }
  - { name: out, path: out.txt }
  - { name: final, path: final.txt }
  - { name: side, path: side.txt }
jobs:
  - { name: prep, command: "cp \${files.input.data} \${files.output.mid}" }
  - { name: check, command: "grep -q ok \${files.input.gate} && cp \${files.input.mid} \${files.output.out}" }
  - { name: report, command: "cat \${files.input.out} > \${files.output.final}", cancel_on_blocking_job_failure: false }
  - { name: side, command: "echo side > \${files.output.side}", input_user_data: [params] }
user_data:
  - { name: params, data: { n: 1, label: x } }
`;

interface Selection {
  job: string;
  name: string;
  reasons: string[];
}

const children = childrenKilledAfterEach();

describe('workflow restart', { timeout: 180_000 }, () => {
  it('re-runs failed jobs, changed inputs and missing outputs with their downstream, and nothing else', async () => {
    const dir = makeRunDir();
    const env = { REDIS_URL: inject('redisUrl'), JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}` };
    writeFileSync(join(dir, 'data.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'gate.txt'), 'closed\n');
    writeFileSync(join(dir, 'restart.yaml'), SPEC);

    // 1. The first run: check fails (the gate is closed), report fails after it.
    const first = await runCli(['run', 'restart.yaml', '--json'], { cwd: dir, env });
    expect(first.code).toBe(1);
    const wf = (JSON.parse(first.stdout) as { workflow: string }).workflow;

    const { api } = await startTestServer(dir, children, '.jobgraph/graph.sqlite');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are what the assertions check
    const get = async (path: string): Promise<any> => (await fetch(`${api}/api/v1/workflows/${wf}${path}`)).json();
    const cli = async (...args: string[]) => {
      const r = await runCli(['workflow', ...args, '--api', api, '--cwd', dir], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`jobgraph workflow ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const plan = async (...flags: string[]) =>
      JSON.parse(await cli('restart', wf, '--dry-run', '--json', ...flags)) as Selection[];
    const reasons = (p: Selection[]) => Object.fromEntries(p.map((s) => [s.name, s.reasons]));
    /** Restart, then serve the workflow with a worker until it is finished again. */
    const restart = async (...flags: string[]) => {
      const answer = JSON.parse(await cli('restart', wf, '--json', ...flags)) as { reset: string[]; plan: Selection[] };
      expect((await get('')).status).toBe('running');
      const worker = spawnCli(
        ['worker', 'start', '--api', api, '--workflow', wf, '--cpus', '2', '--mem', '1g', '--cwd', dir],
        {
          cwd: dir,
          env,
        },
      );
      children.push(worker);
      const code = await new Promise<number | null>((r) => worker.once('close', (c) => r(c)));
      expect(code).toBe(0);
      return answer;
    };
    const attempts = async () => {
      const jobs = (await get('/jobs?limit=100')).items as Array<{ name: string; status: string; attempt: number }>;
      return Object.fromEntries(jobs.map((j) => [j.name, `${j.status}@${j.attempt}`]));
    };
    const resultCount = async () => {
      const jobs = (await get('/jobs?limit=100')).items as Array<{ _key: string; name: string }>;
      const results = (await get('/results?limit=1000')).items as Array<{ job: string }>;
      return Object.fromEntries(jobs.map((j) => [j.name, results.filter((r) => r.job === j._key).length]));
    };

    expect(await attempts()).toEqual({
      prep: 'completed@1',
      check: 'failed@1',
      report: 'failed@1',
      side: 'completed@1',
    });
    // The run recorded fingerprints on each result.
    const [prepResult] = (await get('/results?status=completed&limit=100')).items as Array<Record<string, unknown>>;
    expect(prepResult).toMatchObject({ command_hash: expect.any(String), input_hashes: expect.any(Object) });

    // 2. A dry run after fixing the gate: what would run and why; nothing changes.
    writeFileSync(join(dir, 'gate.txt'), 'ok\n');
    expect(reasons(await plan())).toEqual({ check: ['failed'], report: ['failed'] });
    const table = await cli('restart', wf, '--dry-run');
    expect(table).toMatch(/check\s+failed/);
    expect((await get('')).status).toBe('failed');
    expect(await attempts()).toMatchObject({ check: 'failed@1' });

    // 3. Restart after the failure: check and report run again; prep and side keep their one result.
    const fixed = await restart();
    expect(fixed.plan.map((s) => s.name).sort()).toEqual(['check', 'report']);
    expect((await get('')).status).toBe('completed');
    expect(await attempts()).toEqual({
      prep: 'completed@1',
      check: 'completed@2',
      report: 'completed@2',
      side: 'completed@1',
    });
    expect(await resultCount()).toEqual({ prep: 1, check: 2, report: 2, side: 1 });
    expect(readFileSync(join(dir, 'final.txt'), 'utf8')).toBe('a,b\n1,2\n');
    expect(await plan()).toEqual([]);

    // 4. A changed input file: its consumer and everything downstream; --failed-only ignores it.
    writeFileSync(join(dir, 'data.csv'), 'a,b\n3,4\n');
    expect(await plan('--failed-only')).toEqual([]);
    expect(reasons(await plan())).toEqual({
      prep: ['input file data.csv changed'],
      check: ['downstream of prep'],
      report: ['downstream of check'],
    });
    await restart();
    expect(await attempts()).toEqual({
      prep: 'completed@2',
      check: 'completed@3',
      report: 'completed@3',
      side: 'completed@1',
    });
    expect(readFileSync(join(dir, 'final.txt'), 'utf8')).toBe('a,b\n3,4\n');

    // 5. A deleted output: its producer and downstream.
    rmSync(join(dir, 'out.txt'));
    // report's own input is gone too: a job's own reasons come before "downstream of".
    expect(reasons(await plan())).toEqual({
      check: ['output out.txt missing'],
      report: ['input file out.txt changed'],
    });
    await restart();
    expect(await attempts()).toEqual({
      prep: 'completed@2',
      check: 'completed@4',
      report: 'completed@4',
      side: 'completed@1',
    });
    expect(await plan()).toEqual([]);

    // 6. Changed user data and a changed command (edited through the API).
    const patch = async (path: string, body: unknown) => {
      const res = await fetch(`${api}/api/v1/workflows/${wf}${path}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    };
    const keyOf = async (collection: string, name: string) =>
      ((await get(`/${collection}?name=${name}`)).items as Array<{ _key: string }>)[0]!._key;
    // Same data, keys in another order: not a change.
    await patch(`/user_data/${await keyOf('user_data', 'params')}`, { data: { label: 'x', n: 1 } });
    expect(await plan()).toEqual([]);
    await patch(`/user_data/${await keyOf('user_data', 'params')}`, { data: { label: 'x', n: 2 } });
    await patch(`/jobs/${await keyOf('jobs', 'report')}`, { command: 'cat out.txt out.txt > final.txt' });
    expect(reasons(await plan())).toEqual({ report: ['command changed'], side: ['user data params changed'] });
    await restart();
    expect(await attempts()).toMatchObject({ report: 'completed@5', side: 'completed@2', prep: 'completed@2' });
    expect(readFileSync(join(dir, 'final.txt'), 'utf8')).toBe('a,b\n3,4\na,b\n3,4\n');

    const events = (await get('/events?type=workflow_restarted&limit=100')).items as Array<Record<string, unknown>>;
    expect(events.map((e) => e.jobs)).toEqual([2, 3, 2, 2]);
    expect(events[1]).toMatchObject({ reasons: { 'input changed': 1, downstream: 2 } });
  });
});
