/**
 * Workflows on a real Slurm cluster (the run's private slurmctld + slurmds), end to end with real
 * processes: jobgraph submits the allocations, workers start in them by themselves, and Slurm
 * taking nodes away (scancel, walltime) loses no work.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AllocationDoc, ResultDoc } from '../../src/core/model.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { maxOverlap } from '../integration/worker-fixture.js';
import { requireSlurm } from '../setup/require-slurm.js';
import { makeRunDir, processesIn, runCli, waitFor } from './support/cli.js';
import {
  allocationLogs,
  createWorkflow,
  readGraph,
  scancel,
  scontrolJob,
  slurmEnv,
  startSlurmServer,
  waitForAllocationsEnded,
  waitForWorkflow,
} from './support/slurm-workflow.js';
import { attemptsByJob } from './support/process-stack.js';
import { childrenKilledAfterEach } from './support/test-server.js';

const cluster = requireSlurm();
const children = childrenKilledAfterEach();
const figures: string[] = [];
afterAll(() => {
  if (figures.length) process.stderr.write(`\nSlurm figures:\n${figures.map((f) => `  ${f}\n`).join('')}`);
});

/** One result per (job, attempt). */
function expectOneResultPerAttempt(results: ResultDoc[]): void {
  const seen = new Set(results.map((r) => `${r.job}.${r.attempt}`));
  expect(seen.size).toBe(results.length);
}

describe.runIf(cluster)('workflows on Slurm', () => {
  it('runs a 40-job workflow of two resource classes entirely in allocations it submitted, with account and QoS', async () => {
    const dir = makeRunDir();
    const spec = `name: forty
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 10
resource_requirements:
  - { name: small, num_cpus: 1, memory: 200m, runtime: PT2M }
  - { name: big, num_cpus: 2, memory: 400m, runtime: PT2M }
slurm_schedulers:
  - { name: cpu, walltime: "00:10:00", mem: 1g, extra: "--cpus-per-task=2" }
jobs:
  - { name: "small_{i}", command: "sleep 0.3", resource_requirements: small, parameters: { i: "1:30" } }
  - { name: "big_{i}", command: "sleep 0.3", resource_requirements: big, parameters: { i: "1:10" } }
`;
    const path = join(dir, 'forty.yaml');
    (await import('node:fs')).writeFileSync(path, spec);
    const env = slurmEnv(cluster!);
    const out = await runCli(
      ['run', path, '--slurm', '--account', 'proj1', '--qos', 'normal', '--max-allocations', '4', '--json'],
      { cwd: dir, env },
    );
    expect(out.code, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as {
      workflow: string;
      status: string;
      jobs: Array<{ status: string }>;
      slurm: { first_job_running_s: number; allocations_released_s: number; allocations: number };
    };
    expect(report.status).toBe('completed');
    expect(report.jobs).toHaveLength(40);
    expect(report.jobs.every((j) => j.status === 'completed')).toBe(true);
    expect(report.slurm.allocations).toBeGreaterThanOrEqual(1);
    expect(report.slurm.allocations).toBeLessThanOrEqual(4);

    // Every job ran on a worker that an allocation of this run started.
    const store = openSqliteGraphStore(join(dir, '.jobgraph', 'graph.sqlite'));
    try {
      const wf = report.workflow;
      const allocations = (await store.listDocuments(wf, 'allocations', { limit: 100 })).items as AllocationDoc[];
      const nodes = (await store.listDocuments(wf, 'compute_nodes', { limit: 1000 })).items;
      const results = (await store.listDocuments(wf, 'results', { limit: 1000 })).items as ResultDoc[];
      const allocationOf = new Map(nodes.map((n) => [n._key, n.allocation]));
      const keys = new Set(allocations.map((a) => a._key));
      expect(results).toHaveLength(40);
      for (const r of results) expect(keys.has(allocationOf.get(r.compute_node) as string)).toBe(true);
      expect(allocations.every((a) => a.state === 'ended' && a.reason === 'finished')).toBe(true);
      expect(allocations.every((a) => a.trigger === 'auto_scale')).toBe(true);
      // Account and QoS reached sbatch; Slurm (no accounting database here) keeps the account.
      for (const a of allocations) {
        const script = readFileSync(a.details!.script_path as string, 'utf8');
        expect(script).toContain('#SBATCH --account=proj1');
        expect(script).toContain('#SBATCH --qos=normal');
        expect((await scontrolJob(cluster!, a.provider_id!)).Account).toBe('proj1');
      }
      figures.push(
        `40 jobs: first job running ${report.slurm.first_job_running_s.toFixed(2)} s after start; allocations ` +
          `released ${report.slurm.allocations_released_s.toFixed(2)} s after the last job; ` +
          `${allocations.length} allocations submitted (minimum 1, cap 4)`,
      );
    } finally {
      await store.close();
    }
    await waitFor(() => (processesIn(dir).length === 0 ? true : undefined), 10_000, 'no process left in the run dir');
  }, 180_000);

  it('scancel of a running allocation: its jobs run again elsewhere, no failure retry spent, one result per attempt', async () => {
    const dir = makeRunDir();
    const server = await startSlurmServer(dir, cluster!, children);
    const wf = await createWorkflow(
      server,
      dir,
      `name: scancel
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 10
resource_requirements:
  - { name: one, num_cpus: 1, memory: 200m, runtime: PT2M }
failure_handlers:
  - { name: retry, rules: [{ match_all_exit_codes: true, max_retries: 2 }] }
slurm_schedulers:
  - { name: cpu, account: proj1, walltime: "00:10:00", mem: 1g, extra: "--cpus-per-task=2" }
jobs:
  - { name: "j{i}", command: "sleep 6", resource_requirements: one, failure_handler: retry, parameters: { i: "1:6" } }
`,
    );
    await server.cli('workflow', 'start', wf, '--auto-scale', '--max-allocations', '2');
    // Wait for an allocation whose worker runs jobs (a job_started event on one of its nodes,
    // the job still running), then take it away.
    const victim = await waitFor(
      async () => {
        const g = await readGraph(server, wf);
        const running = new Set(g.jobs.filter((j) => j.status === 'running').map((j) => j._key));
        const busyNodes = new Set(
          g.events
            .filter((e) => e.type === 'job_started' && running.has(e.job as string))
            .map((e) => e.compute_node as string),
        );
        return g.allocations.find(
          (a) => a.state === 'running' && g.nodes.some((n) => n.allocation === a._key && busyNodes.has(n._key)),
        );
      },
      60_000,
      'an allocation running jobs',
    );
    await scancel(cluster!, victim.provider_id!);
    expect(await waitForWorkflow(server, wf, 120_000)).toBe('completed');

    const g = await readGraph(server, wf);
    const canceled = g.allocations.find((a) => a._key === victim._key)!;
    expect(canceled).toMatchObject({ state: 'ended', reason: 'canceled' });
    const interrupted = g.results.filter((r) => r.interrupted === true);
    expect(interrupted.length).toBeGreaterThanOrEqual(1);
    for (const r of interrupted) expect(r.status).toBe('terminated');
    expect(g.jobs.every((j) => j.status === 'completed')).toBe(true);
    // Named in full on failure: which attempt failed, with what code and message, on which node.
    const failed = g.results.filter((r) => r.status === 'failed');
    expect(
      failed.map(({ job, attempt, return_code, message, compute_node, completion_time }) => ({
        job,
        attempt,
        return_code,
        message,
        compute_node,
        completion_time,
      })),
      failed.length > 0 ? `workers' logs:\n${allocationLogs(g.allocations)}` : undefined,
    ).toEqual([]);
    expect(g.jobs.every((j) => (j.failure_retries ?? 0) === 0)).toBe(true);
    expectOneResultPerAttempt(g.results);
    const attempts = attemptsByJob(g.results);
    for (const r of interrupted) expect(attempts.get(r.job)).toContain(r.attempt + 1);
    expect(g.events.filter((e) => e.type === 'attempt_interrupted')).toHaveLength(interrupted.length);
    expect(g.events.some((e) => e.type === 'allocation_ended' && e.reason === 'canceled')).toBe(true);
    await waitForAllocationsEnded(server, wf);
  }, 240_000);

  it('a 1-minute walltime with 40-second jobs: no job is started that cannot finish before the walltime', async () => {
    const dir = makeRunDir();
    const server = await startSlurmServer(dir, cluster!, children);
    const wf = await createWorkflow(
      server,
      dir,
      `name: walltime
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 3
resource_requirements:
  - { name: forty, num_cpus: 1, memory: 200m, runtime: PT45S }
slurm_schedulers:
  - { name: short, account: proj1, walltime: "00:01:00", mem: 1g, extra: "--cpus-per-task=2" }
jobs:
  - { name: "j{i}", command: "sleep 40", resource_requirements: forty, parameters: { i: "1:6" } }
`,
    );
    await server.cli('workflow', 'start', wf, '--auto-scale', '--max-allocations', '2');
    expect(await waitForWorkflow(server, wf, 240_000)).toBe('completed');
    const allocations = await waitForAllocationsEnded(server, wf);
    const g = await readGraph(server, wf);
    // Nothing was cut short: every job completed at its first attempt, no allocation hit its walltime.
    expect(g.results).toHaveLength(6);
    expect(g.results.every((r) => r.status === 'completed' && r.attempt === 1)).toBe(true);
    expect(allocations.every((a) => a.reason === 'finished')).toBe(true);
    expect(allocations.length).toBeGreaterThanOrEqual(2);
    // Never more than --max-allocations alive at once, allocations about to end included.
    expect(
      maxOverlap(allocations.map((a) => [Date.parse(a.submitted_at), Date.parse(a.ended_at!)])),
    ).toBeLessThanOrEqual(2);
    // Each job started with at least its 45 s runtime (and the 5 s buffer) left in its allocation.
    const nodeAllocation = new Map(g.nodes.map((n) => [n._key, n.allocation as string]));
    const byKey = new Map(allocations.map((a) => [a._key, a]));
    for (const r of g.results) {
      const a = byKey.get(nodeAllocation.get(r.compute_node)!)!;
      const started = Date.parse(r.completion_time) - r.exec_time_s * 1000;
      // On failure: what the allocation's worker knew of its end, and when it started its jobs.
      const workerLog = () =>
        readFileSync(a.details!.output_path as string, 'utf8')
          .split('\n')
          .filter((l) => /Slurm allocation|allocation end|job started/.test(l))
          .join('\n');
      expect(Date.parse(a.ends_at!) - started, workerLog()).toBeGreaterThanOrEqual(45_000 + 5_000 - 1_500);
    }
    figures.push(`walltime test: 6 × 40 s jobs in ${allocations.length} one-minute allocations, none cut short`);
  }, 300_000);

  it('actions: on_workflow_start and on_jobs_ready schedule the expected allocations once, with two provisioners', async () => {
    const dir = makeRunDir();
    const server = await startSlurmServer(dir, cluster!, children);
    // A second provisioner on the same graph and Redis: each action must still fire once.
    children.push(
      (await import('./support/cli.js')).spawnCli(['scale', '--db', 'graph.sqlite', '--api', server.api], {
        cwd: dir,
        env: server.env,
      }),
    );
    const wf = await createWorkflow(
      server,
      dir,
      `name: actions
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 5
resource_requirements:
  - { name: one, num_cpus: 1, memory: 200m, runtime: PT1M }
slurm_schedulers:
  - { name: setup_scheduler, account: proj1, walltime: "00:05:00", mem: 500m }
  - { name: work_scheduler, account: proj1, walltime: "00:05:00", mem: 500m }
jobs:
  - { name: setup, command: "sleep 1", resource_requirements: one, scheduler: setup_scheduler }
  - { name: "work_{i}", command: "sleep 1", resource_requirements: one, scheduler: work_scheduler, depends_on: [setup], parameters: { i: "1:2" } }
actions:
  - { trigger_type: on_workflow_start, action_type: schedule_nodes, scheduler: setup_scheduler, scheduler_type: slurm, num_allocations: 1 }
  - { trigger_type: on_jobs_ready, action_type: schedule_nodes, job_name_regexes: ["work_.*"], scheduler: work_scheduler, scheduler_type: slurm, num_allocations: 2 }
  - { trigger_type: on_workflow_complete, action_type: run_commands, commands: ["echo done > finished.txt"] }
`,
    );
    await server.cli('workflow', 'start', wf);
    expect(await waitForWorkflow(server, wf, 120_000)).toBe('completed');
    await waitFor(
      async () =>
        (await readGraph(server, wf)).events.find(
          (e) => e.type === 'action_finished' && e.trigger_type === 'on_workflow_complete',
        ),
      30_000,
      'the on_workflow_complete action',
    );
    const allocations = await waitForAllocationsEnded(server, wf);
    const g = await readGraph(server, wf);
    const bySchedulerName = (name: string) => allocations.filter((a) => a.scheduler_name === name);
    expect(bySchedulerName('setup_scheduler')).toHaveLength(1);
    expect(bySchedulerName('work_scheduler')).toHaveLength(2);
    expect(allocations.every((a) => a.trigger === 'action')).toBe(true);
    // Whichever provisioner submitted it, every allocation's worker was handed this API.
    for (const a of allocations)
      expect(readFileSync(a.details!.script_path as string, 'utf8')).toContain(`--api ${server.api} `);
    expect(g.events.filter((e) => e.type === 'action_claimed')).toHaveLength(3);
    expect(readFileSync(join(dir, 'finished.txt'), 'utf8').trim()).toBe('done');
  }, 180_000);

  it('a multi-node job runs in a two-node allocation served by one worker, and reaches both nodes with srun', async () => {
    const dir = makeRunDir();
    const server = await startSlurmServer(dir, cluster!, children);
    const wf = await createWorkflow(
      server,
      dir,
      `name: multinode
compute_node_expiration_buffer_seconds: 5
compute_node_wait_for_new_jobs_seconds: 5
resource_requirements:
  - { name: two_nodes, num_cpus: 1, memory: 200m, num_nodes: 2, runtime: PT1M }
slurm_schedulers:
  - { name: pair, account: proj1, nodes: 2, walltime: "00:05:00", mem: 500m }
jobs:
  - { name: mpi_like, command: "srun --nodes=2 --ntasks=2 printenv SLURMD_NODENAME | sort -u", resource_requirements: two_nodes }
`,
    );
    await server.cli('workflow', 'start', wf, '--auto-scale');
    expect(await waitForWorkflow(server, wf, 120_000)).toBe('completed');
    const g = await readGraph(server, wf);
    expect(g.allocations).toHaveLength(1);
    expect(g.allocations[0]!.nodes).toBe(2);
    expect(g.nodes).toHaveLength(1); // one worker for the allocation
    const out = readFileSync(g.results[0]!.stdout_path!, 'utf8').trim().split('\n');
    expect(out).toEqual([...cluster!.nodeNames].sort());
    const script = readFileSync(g.allocations[0]!.details!.script_path as string, 'utf8');
    expect(script).toContain('--nodes 2');
    expect(script).not.toContain('exec srun');
  }, 180_000);
});
