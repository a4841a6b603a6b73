/**
 * Stopping never hangs (issue 16), on the run's Slurm test cluster: `jobgraph run --slurm`
 * given SIGTERM while its job runs in an allocation it submitted cancels the workflow and
 * the allocation at once — not once the workers noticed — and exits within
 * JOBGRAPH_SHUTDOWN_MS, leaving nothing queued at Slurm and no process behind.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AllocationDoc, JobDoc } from '../../src/core/model.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { requireSlurm } from '../setup/require-slurm.js';
import { makeRunDir, processesIn, spawnCli, waitFor } from './support/cli.js';
import { slurmEnv } from './support/slurm-workflow.js';
import { childrenKilledAfterEach } from './support/test-server.js';

const cluster = requireSlurm();
const children = childrenKilledAfterEach();
const SHUTDOWN_MS = 5000;
/** What a loaded 2-core machine may add to a deadline before the parent sees the exit. */
const SLACK_MS = 2000;

/** Slurm jobs of the workflow still queued or running. */
async function liveSlurmJobs(workflow: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('squeue', ['-h', '-o', '%j %T'], {
    env: { ...process.env, ...cluster!.env },
  });
  return stdout.split('\n').filter((l) => l.startsWith(`jg-${workflow}-`));
}

describe.runIf(cluster)('stopping run --slurm', () => {
  it('SIGTERM mid-workflow cancels the workflow and its allocation at once, and exits 1 within the deadline', async ({
    annotate,
  }) => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'slow.yaml'),
      `name: slow-slurm
resource_requirements:
  - { name: one, num_cpus: 1, memory: 200m, runtime: PT5M }
slurm_schedulers:
  - { name: cpu, account: proj1, walltime: "00:10:00", mem: 1g }
jobs:
  - { name: sleeper, command: "sleep 120", resource_requirements: one }
`,
    );
    const run = spawnCli(['run', 'slow.yaml', '--slurm', '--json'], {
      cwd: dir,
      env: { ...slurmEnv(cluster!), JOBGRAPH_SHUTDOWN_MS: String(SHUTDOWN_MS) },
      detached: true,
    });
    children.push(run);
    const store = openSqliteGraphStore(join(dir, '.jobgraph', 'graph.sqlite'));
    try {
      const workflow = await waitFor(
        async () => {
          const [wf] = (await store.listWorkflows().catch(() => ({ items: [] }))).items;
          if (!wf) return undefined;
          const jobs = (await store.listDocuments(wf._key, 'jobs')).items as JobDoc[];
          return jobs[0]?.status === 'running' ? wf._key : undefined;
        },
        120_000,
        'the job to run in an allocation',
      );
      expect(await liveSlurmJobs(workflow)).toHaveLength(1);

      const closed = new Promise<number | null>((resolve) => run.once('close', (code) => resolve(code)));
      const sent = performance.now();
      process.kill(-run.pid!, 'SIGTERM');
      const code = await closed;
      const ms = Math.round(performance.now() - sent);
      await annotate(`run --slurm: SIGTERM to exit ${ms} ms (deadline ${SHUTDOWN_MS} ms), exit code ${code}`);

      expect(ms).toBeLessThan(SHUTDOWN_MS + SLACK_MS);
      expect(code).toBe(1);
      expect(run.output().stderr).not.toMatch(/did not end/);
      const report = JSON.parse(run.output().stdout) as { status: string; jobs: Array<{ status: string }> };
      expect(report.status).toBe('canceled');
      const allocations = (await store.listDocuments(workflow, 'allocations')).items as AllocationDoc[];
      expect(allocations.length).toBeGreaterThan(0);
      // Each was handed to scancel before the exit; its end is recorded by the next provisioner
      // that tracks it (a restarted one adopts it), while Slurm ends it now.
      expect(allocations.every((a) => a.state === 'ended' || a.cancel_requested_at !== undefined)).toBe(true);
      // Slurm ends the canceled allocation (and the worker in it) by itself, within seconds.
      await waitFor(
        async () => ((await liveSlurmJobs(workflow)).length === 0 ? true : undefined),
        30_000,
        'Slurm to end the allocation',
      );
      await waitFor(() => (processesIn(dir).length === 0 ? true : undefined), 30_000, 'no process left in the run dir');
    } finally {
      await store.close();
    }
  }, 180_000);
});
