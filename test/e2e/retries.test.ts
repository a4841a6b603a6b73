/**
 * Runtime limits, failure-handler retries and the out-of-memory message, end to end
 * through `jobgraph run`: real CLI processes, the suite's redis-server, a real SQLite
 * file, real shell jobs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import type { EventDoc, JobDoc, ResultDoc } from '../../src/core/model.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { makeRunDir, processesIn, runCli } from './support/cli.js';

interface Report {
  workflow: string;
  status: string;
  jobs: Array<{ name: string; status: string; return_code: number | null; attempt: number }>;
}

async function runSpec(dir: string, file: string, spec: string) {
  writeFileSync(join(dir, file), spec);
  const result = await runCli(['run', file, '--json'], {
    cwd: dir,
    env: {
      REDIS_URL: inject('redisUrl'),
      JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}`,
      JOBGRAPH_TERMINATE_GRACE_MS: '500',
    },
  });
  const report = result.stdout.trim() ? (JSON.parse(result.stdout) as Report) : undefined;
  return { ...result, report };
}

function byName(report: Report) {
  return Object.fromEntries(report.jobs.map((j) => [j.name, j]));
}

/** Jobs (by name), results (by job name, in attempt order) and events of the run's workflow. */
async function graphOf(dir: string, wf: string) {
  const store = openSqliteGraphStore(join(dir, '.jobgraph/graph.sqlite'));
  try {
    const jobs = (await store.listDocuments(wf, 'jobs', { limit: 1000 })).items as JobDoc[];
    const results = (await store.listDocuments(wf, 'results', { limit: 1000 })).items as ResultDoc[];
    const events = (await store.listDocuments(wf, 'events', { limit: 1000 })).items as EventDoc[];
    const nameOf = new Map(jobs.map((j) => [j._key, j.name]));
    const resultsOf = (name: string) =>
      results.filter((r) => nameOf.get(r.job) === name).sort((a, b) => a.attempt - b.attempt);
    const job = (name: string) => jobs.find((j) => j.name === name)!;
    return { job, resultsOf, events, nameOf };
  } finally {
    await store.close();
  }
}

describe('failures: runtime limits, retries, out of memory', { timeout: 120_000 }, () => {
  it('terminates jobs past their runtime (SIGKILL after the grace period) and treats dependents as after a failure', async () => {
    const dir = makeRunDir();
    const { code, report, stderr } = await runSpec(
      dir,
      'runtime.yaml',
      `name: runtime-e2e
resource_requirements:
  - { name: short, runtime: PT2S }
jobs:
  - { name: slow, command: "sleep 30", resource_requirements: short }
  - { name: stubborn, command: "trap '' TERM; sleep 30", resource_requirements: short }
  - { name: tolerant, command: "true", depends_on: [slow], cancel_on_blocking_job_failure: false }
  - { name: strict, command: "true", depends_on: [stubborn], cancel_on_blocking_job_failure: true }
`,
    );
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(1);
    const jobs = byName(report!);
    expect(jobs['slow']).toMatchObject({ status: 'terminated', return_code: 143 });
    // It ignored SIGTERM, so the grace period ended in SIGKILL (128 + 9).
    expect(jobs['stubborn']).toMatchObject({ status: 'terminated', return_code: 137 });
    expect(jobs['tolerant']).toMatchObject({ status: 'completed' });
    expect(jobs['strict']).toMatchObject({ status: 'canceled' });

    const g = await graphOf(dir, report!.workflow);
    for (const name of ['slow', 'stubborn']) {
      const [result] = g.resultsOf(name);
      expect(result).toMatchObject({ status: 'terminated', message: 'terminated: exceeded its runtime limit of 2 s' });
      // Ended long before the 30 s the command asked for.
      expect(result!.exec_time_s).toBeLessThan(25);
    }
    const terminated = g.events.filter((e) => e.type === 'job_terminated');
    expect(terminated.map((e) => g.nameOf.get(e.job as string)).sort()).toEqual(['slow', 'stubborn']);
    expect(terminated.every((e) => e.reason === 'terminated: exceeded its runtime limit of 2 s')).toBe(true);
    expect(processesIn(dir)).toEqual([]);
  });

  it('retries a job by exit code after its recovery script, keeping a result and logs per attempt', async () => {
    const dir = makeRunDir();
    const { code, report, stderr } = await runSpec(
      dir,
      'retry.yaml',
      `name: retry-e2e
failure_handlers:
  - name: fixable
    rules:
      - exit_codes: [3]
        # The second recovery creates the marker the job needs.
        recovery_script: echo "fixed $JOBGRAPH_RETURN_CODE $JOBGRAPH_ATTEMPT" >> recovery.log; if [ $JOBGRAPH_ATTEMPT -ge 2 ]; then touch marker; fi
        max_retries: 4
jobs:
  - name: flaky
    command: echo "run $JOBGRAPH_ATTEMPT"; test -f marker || exit 3
    failure_handler: fixable
  - { name: after, command: "true", depends_on: [flaky], cancel_on_blocking_job_failure: true }
`,
    );
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const jobs = byName(report!);
    expect(jobs['flaky']).toMatchObject({ status: 'completed', attempt: 3, return_code: 0 });
    expect(jobs['after']).toMatchObject({ status: 'completed' });
    expect(readFileSync(join(dir, 'recovery.log'), 'utf8')).toBe('fixed 3 1\nfixed 3 2\n');

    const g = await graphOf(dir, report!.workflow);
    expect(g.job('flaky')).toMatchObject({ attempt: 3, failure_retries: 2 });
    const results = g.resultsOf('flaky');
    expect(results.map((r) => [r.attempt, r.status, r.return_code])).toEqual([
      [1, 'failed', 3],
      [2, 'failed', 3],
      [3, 'completed', 0],
    ]);
    // Each attempt wrote its own log; the recovery scripts theirs.
    for (const r of results) expect(readFileSync(r.stdout_path!, 'utf8')).toBe(`run ${r.attempt}\n`);
    expect(new Set(results.map((r) => r.stdout_path)).size).toBe(3);
    expect(readFileSync(results[0]!.stdout_path!.replace(/\.out$/, '.recovery.out'), 'utf8')).toBe('');
    // A retried failure is an attempt's end, not the job's.
    expect(g.events.filter((e) => e.type === 'attempt_failed').map((e) => e.attempt)).toEqual([1, 2]);
    expect(g.events.filter((e) => e.type === 'job_failed')).toEqual([]);
    const retried = g.events.filter((e) => e.type === 'attempt_retried');
    expect(retried.map((e) => [e.attempt, e.return_code, e.next_attempt])).toEqual([
      [1, 3, 2],
      [2, 3, 3],
    ]);
  });

  it('fails a job once max_retries is spent, and does not retry after a failed recovery script', async () => {
    const dir = makeRunDir();
    const { code, report } = await runSpec(
      dir,
      'exhaust.yaml',
      `name: exhaust-e2e
failure_handlers:
  - name: twice
    rules: [{ match_all_exit_codes: true, max_retries: 2 }]
  - name: broken
    rules: [{ exit_codes: [7], recovery_script: "exit 4" }]
jobs:
  - { name: doomed, command: "exit 5", failure_handler: twice }
  - { name: strict, command: "true", depends_on: [doomed], cancel_on_blocking_job_failure: true }
  - { name: unrecoverable, command: "exit 7", failure_handler: broken }
  - { name: unhandled, command: "exit 9", failure_handler: broken }
`,
    );
    expect(code).toBe(1);
    const jobs = byName(report!);
    expect(jobs['doomed']).toMatchObject({ status: 'failed', attempt: 3, return_code: 5 });
    expect(jobs['strict']).toMatchObject({ status: 'canceled' });
    expect(jobs['unrecoverable']).toMatchObject({ status: 'failed', attempt: 1, return_code: 7 });
    expect(jobs['unhandled']).toMatchObject({ status: 'failed', attempt: 1, return_code: 9 });

    const g = await graphOf(dir, report!.workflow);
    expect(g.resultsOf('doomed').map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    expect(g.resultsOf('unrecoverable')).toHaveLength(1);
    expect(g.resultsOf('unrecoverable')[0]!.message).toBe('recovery script failed (exit 4); not retried');
    expect(g.events.filter((e) => e.type === 'attempt_retried')).toHaveLength(2);
  });

  it('reports a job killed by SIGKILL it did not get from the worker as likely out of memory', async () => {
    const dir = makeRunDir();
    const { code, report } = await runSpec(
      dir,
      'oom.yaml',
      `name: oom-e2e
jobs:
  - { name: self_killed, command: "kill -9 $$" }
  - { name: child_killed, command: "sh -c 'kill -9 $$'; exit $?" }
  - { name: plain, command: "exit 2" }
`,
    );
    expect(code).toBe(1);
    const jobs = byName(report!);
    expect(jobs['self_killed']).toMatchObject({ status: 'failed', return_code: 137 });
    expect(jobs['child_killed']).toMatchObject({ status: 'failed', return_code: 137 });
    const g = await graphOf(dir, report!.workflow);
    expect(g.resultsOf('self_killed')[0]!.message).toBe('killed (SIGKILL): likely out of memory');
    expect(g.resultsOf('child_killed')[0]!.message).toBe('killed (SIGKILL): likely out of memory');
    expect(g.resultsOf('plain')[0]!.message).toBeUndefined();
  });
});
