/**
 * `jobgraph run` end to end: real CLI processes, a real redis-server (private, or the
 * suite's), a real SQLite file, real shell jobs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import type { JobDoc } from '../../src/core/model.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { BIN, makeRunDir, processesIn, runCli } from './support/cli.js';

interface Report {
  workflow: string;
  status: string;
  jobs: Array<{ name: string; status: string; return_code: number | null; attempt: number }>;
}

/** Run a spec with the suite's Redis (own queue prefix) and return the parsed JSON report. */
async function runSpec(dir: string, spec: string, extra: string[] = []) {
  const result = await runCli(['run', spec, '--json', ...extra], {
    cwd: dir,
    env: { REDIS_URL: inject('redisUrl'), JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}` },
  });
  const report = result.stdout.trim() ? (JSON.parse(result.stdout) as Report) : undefined;
  return { ...result, report };
}

function byName(report: Report) {
  return Object.fromEntries(report.jobs.map((j) => [j.name, j]));
}

/** The largest number of jobs whose [started_at, finished_at] intervals overlap. */
function maxOverlap(jobs: JobDoc[]): number {
  const points = jobs.flatMap((j) => [
    [Date.parse(j.started_at as string), 1],
    [Date.parse(j.finished_at as string), -1],
  ]) as Array<[number, number]>;
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (now += d));
  return max;
}

async function jobsIn(dbPath: string): Promise<JobDoc[]> {
  const store = openSqliteGraphStore(dbPath);
  try {
    const [wf] = (await store.listWorkflows()).items;
    return (await store.listDocuments(wf!._key, 'jobs', { limit: 1000 })).items as JobDoc[];
  } finally {
    await store.close();
  }
}

// Each test spawns real CLI processes; on a loaded 2-core machine a start-up alone can take seconds.
describe('jobgraph run', { timeout: 120_000 }, () => {
  it('runs a diamond linked through files with a private redis-server and leaves no process behind', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'diamond.yaml'),
      `name: diamond-e2e
jobs:
  - name: preprocess
    command: mkdir -p out && echo 3 > \${files.output.seed}
  - name: left
    command: echo $(( $(cat \${files.input.seed}) * 2 )) > \${files.output.left}
  - name: right
    command: echo $(( $(cat \${files.input.seed}) + 10 )) > \${files.output.right}
  - name: join
    command: echo $(( $(cat \${files.input.left}) + $(cat \${files.input.right}) )) > \${files.output.result}
files:
  - { name: seed, path: out/seed.txt }
  - { name: left, path: out/left.txt }
  - { name: right, path: out/right.txt }
  - { name: result, path: out/result.txt }
`,
    );
    const result = await runCli(['run', 'diamond.yaml', '--json'], { cwd: dir, env: { REDIS_URL: undefined } });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.workflow).toMatch(/\w+/);
    expect(report.jobs.map((j) => [j.name, j.status, j.return_code]).sort()).toEqual([
      ['join', 'completed', 0],
      ['left', 'completed', 0],
      ['preprocess', 'completed', 0],
      ['right', 'completed', 0],
    ]);
    expect(readFileSync(join(dir, 'out/result.txt'), 'utf8').trim()).toBe('19');
    expect(existsSync(join(dir, '.jobgraph/graph.sqlite'))).toBe(true);
    expect(processesIn(dir)).toEqual([]);
  });

  it('runs a parameter sweep with an aggregate job that waits for every part', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'sweep.yaml'),
      `name: sweep-e2e
jobs:
  - name: work_{i:02d}
    command: mkdir -p out && echo {i} > \${files.output.part_{i:02d}}
    parameters: { i: "1:12" }
  - name: total
    command: cat out/part_*.txt | awk '{s+=$1} END {print s}' > out/total.txt
    input_files_regexes: ["part_.*"]
files:
  - name: part_{i:02d}
    path: out/part_{i:02d}.txt
    parameters: { i: "1:12" }
`,
    );
    const { code, report, stderr } = await runSpec(dir, 'sweep.yaml');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report!.jobs).toHaveLength(13);
    expect(report!.jobs.every((j) => j.status === 'completed')).toBe(true);
    expect(byName(report!)['work_07']).toBeDefined();
    expect(readFileSync(join(dir, 'out/total.txt'), 'utf8').trim()).toBe('78');
  });

  it('orders jobs linked only through user data', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'ud.yaml'),
      `name: user-data-e2e
user_data:
  - { name: settings, data: { alpha: 1 } }
jobs:
  - name: consumer
    command: test -f producer-ran
    input_user_data: [settings]
  - name: producer
    command: sleep 0.3 && touch producer-ran
    output_user_data: [settings]
`,
    );
    const { code, report } = await runSpec(dir, 'ud.yaml');
    expect(code).toBe(0);
    expect(byName(report!)['consumer']!.status).toBe('completed');
  });

  it('writes the resource plots beside the job logs when the workflow asks for them (generate_plots)', async () => {
    const dir = makeRunDir();
    const spec = (name: string, plots: boolean) =>
      `name: ${name}\nresource_monitor: { sample_interval_seconds: 0.2, generate_plots: ${plots} }\n` +
      'jobs:\n  - { name: worked, command: sleep 0.5 }\n';
    writeFileSync(join(dir, 'plots.yaml'), spec('plots-e2e', true));
    writeFileSync(join(dir, 'none.yaml'), spec('no-plots-e2e', false));
    const asked = await runSpec(dir, 'plots.yaml');
    expect(asked.code).toBe(0);
    const html = readFileSync(join(dir, '.jobgraph', 'logs', asked.report!.workflow, 'resource-plots.html'), 'utf8');
    expect(html).toContain(`Resources of workflow ${asked.report!.workflow}`);
    expect(html).toContain('"worked"');
    const unasked = await runSpec(dir, 'none.yaml');
    expect(unasked.code).toBe(0);
    expect(existsSync(join(dir, '.jobgraph', 'logs', unasked.report!.workflow, 'resource-plots.html'))).toBe(false);
  });

  it('runs dependents of a failed job unless cancel_on_blocking_job_failure, and exits 1', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'fail.yaml'),
      `name: failure-e2e
jobs:
  - { name: bad, command: "exit 3" }
  - { name: tolerant, command: "true", depends_on: [bad], cancel_on_blocking_job_failure: false }
  - { name: strict, command: "true", depends_on: [bad], cancel_on_blocking_job_failure: true }
  - { name: after_strict, command: "true", depends_on: [strict], cancel_on_blocking_job_failure: true }
`,
    );
    const { code, report } = await runSpec(dir, 'fail.yaml');
    expect(code).toBe(1);
    const jobs = byName(report!);
    expect(jobs['bad']).toMatchObject({ status: 'failed', return_code: 3 });
    expect(jobs['tolerant']).toMatchObject({ status: 'completed', return_code: 0 });
    expect(jobs['strict']).toMatchObject({ status: 'canceled', return_code: null });
    expect(jobs['after_strict']).toMatchObject({ status: 'canceled', return_code: null });
    expect(report!.status).toBe('failed');
  });

  it('packs jobs onto a small worker: as many at once as fit, never more', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'pack.yaml'),
      `name: packing-e2e
resource_requirements:
  - { name: small, num_cpus: 1, memory: 100m }
  - { name: wide, num_cpus: 2, memory: 100m }
jobs:
  - name: small_{i}
    command: sleep 0.6
    resource_requirements: small
    parameters: { i: "1:6" }
  - name: wide_{i}
    command: sleep 0.6
    resource_requirements: wide
    parameters: { i: "1:2" }
`,
    );
    const { code, report } = await runSpec(dir, 'pack.yaml', ['--cpus', '2', '--mem', '1g', '--db', 'pack.sqlite']);
    expect(code).toBe(0);
    expect(report!.jobs.every((j) => j.status === 'completed')).toBe(true);
    const jobs = await jobsIn(join(dir, 'pack.sqlite'));
    const small = jobs.filter((j) => j.name.startsWith('small'));
    const wide = jobs.filter((j) => j.name.startsWith('wide'));
    // Two 1-CPU jobs share the 2 CPUs; a 2-CPU job runs alone.
    expect(maxOverlap(small)).toBe(2);
    expect(maxOverlap(jobs)).toBeLessThanOrEqual(2);
    for (const w of wide) {
      const overlapping = jobs.filter(
        (j) =>
          j !== w &&
          Date.parse(j.started_at as string) < Date.parse(w.finished_at as string) &&
          Date.parse(j.finished_at as string) > Date.parse(w.started_at as string),
      );
      expect(overlapping).toEqual([]);
    }
  });

  it('fails at once, naming the job, when a job can never fit the local worker', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'big.yaml'),
      `name: too-big
resource_requirements:
  - { name: huge, num_cpus: 64, memory: 1g }
jobs:
  - { name: fits, command: "true" }
  - { name: enormous, command: "true", resource_requirements: huge }
`,
    );
    const { code, stderr } = await runSpec(dir, 'big.yaml', ['--cpus', '2']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/enormous/);
    expect(stderr).toMatch(/64/);
  });

  it('shows a live progress bar and a summary table on a terminal', async () => {
    const dir = makeRunDir();
    // `script` gives the run a pseudo-terminal, as a user's shell would.
    const result = await runCli([], { cwd: dir, env: { REDIS_URL: inject('redisUrl') } }, [
      'script',
      '-qec',
      `${process.execPath} ${BIN} run examples/diamond.yaml`,
      '/dev/null',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/4\/4 jobs done \| 0 running \| 0 failed/);
    expect(result.stdout).toMatch(/job\s+status\s+attempt\s+return_code/);
    expect(result.stdout).toMatch(/workflow \w+ \(diamond\): completed — 4 completed/);
  });

  it('rejects a bad spec before anything is written, naming the field', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'bad.yaml'),
      `name: bad-ref
jobs:
  - { name: a, command: "cat x", input_files: [missing] }
`,
    );
    const result = await runCli(['run', 'bad.yaml'], { cwd: dir, env: { REDIS_URL: inject('redisUrl') } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/jobs\[0\]\.input_files\[0\]/);
    expect(existsSync(join(dir, '.jobgraph'))).toBe(false);
  });

  it('rejects a malformed --mem flag', async () => {
    const dir = makeRunDir();
    const result = await runCli(['run', 'whatever.yaml', '--mem', 'lots'], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--mem/);
    expect(result.stderr).toMatch(/memory size/);
  });

  it('runs each shipped example to completion', async () => {
    const dir = makeRunDir();
    for (const example of ['diamond.yaml', 'parameter-sweep.yaml', 'resource-packing.yaml']) {
      const { code, report, stderr } = await runSpec(dir, join('examples', example));
      expect({ example, code, stderr }).toEqual({ example, code: 0, stderr: '' });
      expect(report!.jobs.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
