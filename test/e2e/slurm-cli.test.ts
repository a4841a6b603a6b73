/**
 * The Slurm commands a person types, against the real test cluster: `jobgraph slurm submit`
 * (dry run, a submission, a refusal by Slurm, a scheduler without an account),
 * `jobgraph allocations`, and `jobgraph run --slurm` refusing what no scheduler can run or
 * where sbatch is missing — each a clear line, nothing half-submitted left behind.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AllocationDoc } from '../../src/core/model.js';
import { requireSlurm } from '../setup/require-slurm.js';
import { makeRunDir, runCli, waitFor } from './support/cli.js';
import { createWorkflow, slurmEnv, startSlurmServer } from './support/slurm-workflow.js';
import { childrenKilledAfterEach } from './support/test-server.js';

const cluster = requireSlurm();
const children = childrenKilledAfterEach();
const run = promisify(execFile);

const SPEC = `name: manual
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 5
resource_requirements:
  - { name: one, num_cpus: 1, memory: 200m, runtime: PT1M }
slurm_schedulers:
  - { name: cpu, account: proj1, qos: normal, walltime: "00:05:00", mem: 500m }
  - { name: noaccount, walltime: "00:05:00", mem: 500m }
jobs:
  - { name: "j{i}", command: "true", resource_requirements: one, scheduler: cpu, parameters: { i: "1:3" } }
`;

/** Slurm jobs of this workflow still known to squeue and not finished. */
async function liveJobs(wf: string): Promise<string[]> {
  const { stdout } = await run('squeue', ['-h', '-o', '%j %T'], { env: { ...process.env, ...cluster!.env } });
  return stdout.split('\n').filter((l) => l.startsWith(`jg-${wf}-`) && /PENDING|RUNNING|CONFIGURING/.test(l));
}

describe.runIf(cluster)('Slurm commands', () => {
  it('slurm submit: a dry run prints the script, a submission runs jobs, Slurm refusals and missing accounts are one clear line', async () => {
    const dir = makeRunDir();
    const server = await startSlurmServer(dir, cluster!, children);
    const wf = await createWorkflow(server, dir, SPEC);

    const dry = await server.cli('slurm', 'submit', wf, '--scheduler', 'cpu', '--qos', 'high', '--dry-run');
    expect(dry).toMatch(/^#!\/bin\/bash/);
    expect(dry).toContain('#SBATCH --account=proj1');
    expect(dry).toContain('#SBATCH --qos=high');
    expect(dry).toContain(`#SBATCH --job-name=jg-${wf}-a1`);
    expect(dry).toMatch(/worker start --api \S+ --workflow /);
    expect(await server.list<AllocationDoc>(`/workflows/${wf}/allocations`)).toEqual([]);

    // Slurm refuses a partition that does not exist: the message is Slurm's, on one line, and nothing is left.
    const refused = await runCli(
      ['slurm', 'submit', wf, '--scheduler', 'cpu', '--partition', 'nope', '--api', server.api],
      {
        cwd: dir,
        env: server.env,
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/slurm scheduler "cpu".*[Ii]nvalid partition/);
    expect(await liveJobs(wf)).toEqual([]);

    const noAccount = await runCli(['slurm', 'submit', wf, '--scheduler', 'noaccount', '--api', server.api], {
      cwd: dir,
      env: server.env,
    });
    expect(noAccount.code).toBe(1);
    expect(noAccount.stderr).toMatch(/"noaccount".*account is required/);
    expect(await liveJobs(wf)).toEqual([]);

    await server.cli('workflow', 'start', wf);
    const submitted = await server.cli('slurm', 'submit', wf, '--scheduler', 'cpu');
    expect(submitted).toMatch(new RegExp(`^${wf}-a\\d+: Slurm job \\d+ \\((pending|running)\\), scheduler cpu`));
    await waitFor(
      async () =>
        (await server.get<{ status: string }>(`/workflows/${wf}`)).status === 'completed' ? true : undefined,
      60_000,
      'the workflow to complete in the allocation submitted by hand',
    );
    const report = await server.json<{
      allocations: Array<{ state: string; reason?: string; jobs_run: number; message?: string }>;
      total: { jobs_run: number };
    }>('allocations', wf);
    expect(report.allocations.filter((a) => a.reason === 'failed')).toHaveLength(2);
    expect(report.allocations.some((a) => a.jobs_run === 3)).toBe(true);
    expect(report.total.jobs_run).toBe(3);
    const table = await server.cli('allocations', wf);
    expect(table).toContain('ended (failed)');
    expect(table).toMatch(/Invalid partition/);
  }, 120_000);

  it('run --slurm refuses a job that fits no scheduler, naming both, before anything is submitted', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'huge.yaml'),
      `name: huge
resource_requirements:
  - { name: huge, num_cpus: 64, memory: 1g, runtime: PT1M }
slurm_schedulers:
  - { name: cpu, account: proj1, walltime: "00:05:00", mem: 1g, extra: "--cpus-per-task=2" }
jobs:
  - { name: big_job, command: "true", resource_requirements: huge }
`,
    );
    const out = await runCli(['run', 'huge.yaml', '--slurm'], { cwd: dir, env: slurmEnv(cluster!) });
    expect(out.code).toBe(1);
    // The error line, then one line per job that fits no scheduler, with its path (issue 9's CLI rule).
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: workflow \S+ cannot run on Slurm/),
      '  job "big_job": scheduler "cpu": needs 64 CPUs, a node has 2',
    ]);
  }, 60_000);

  it('run --slurm without sbatch on PATH says so in one line', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'one.yaml'),
      `name: one
slurm_schedulers:
  - { name: cpu, account: proj1, walltime: "00:05:00", extra: "--exclusive" }
jobs:
  - { name: a, command: "true" }
`,
    );
    const env = { ...slurmEnv(cluster!), PATH: '/nonexistent' };
    const out = await runCli(['run', 'one.yaml', '--slurm'], { cwd: dir, env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/(squeue|sinfo|sbatch) not found on PATH/);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it("run --slurm stops at once with Slurm's words when Slurm refuses the first allocation", async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'badpart.yaml'),
      `name: badpart
slurm_schedulers:
  - { name: cpu, account: proj1, partition: nope, walltime: "00:05:00", mem: 500m }
resource_requirements:
  - { name: one, num_cpus: 1, memory: 200m, runtime: PT1M }
jobs:
  - { name: a, command: "true", resource_requirements: one }
`,
    );
    const started = Date.now();
    const out = await runCli(['run', 'badpart.yaml', '--slurm'], { cwd: dir, env: slurmEnv(cluster!) });
    expect(out.code).toBe(1);
    // The progress line it printed on start, then one error line: no log lines, no stack.
    const lines = out.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('jobgraph run --slurm: workflow '))).toEqual([
      expect.stringMatching(/^error: slurm scheduler "cpu".*[Ii]nvalid partition/),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
