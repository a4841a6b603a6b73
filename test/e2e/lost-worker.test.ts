/**
 * Lost workers with real processes: a worker kill -9'd mid-job is detected by the
 * scheduler's watchdog, its attempt is recorded as lost and run again on a second worker;
 * a job that keeps killing its worker stops at the lost-worker cap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { EventDoc } from '../../src/core/model.js';
import { waitFor } from './support/cli.js';
import { attemptsByJob, exited, killHard, openProcessStack, type ProcessStack } from './support/process-stack.js';

let stack: ProcessStack | undefined;
const orphans: number[] = [];
afterEach(async () => {
  await stack?.cleanup();
  stack = undefined;
  // Jobs of a kill -9'd worker keep running (their process group is their own): end them.
  for (const pgid of orphans.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The default timings (config.ts), spelled out so the stack's fast ones do not apply. */
const DEFAULT_TIMINGS = {
  JOBGRAPH_HEARTBEAT_MS: '10000',
  JOBGRAPH_WORKER_TIMEOUT_MS: '30000',
  JOBGRAPH_FENCE_MS: '20000',
  JOBGRAPH_RECONCILE_MS: '2000',
};

describe('lost workers', () => {
  it.each([
    ['short test timings (heartbeat 0.5 s, ttl 1.5 s, reconcile 0.5 s)', {}],
    ['the default timings (heartbeat 10 s, ttl 30 s, reconcile 2 s)', DEFAULT_TIMINGS],
  ])(
    're-runs the job of a worker killed with SIGKILL on another worker, one result per attempt, with %s',
    async (label, timings) => {
      stack = await openProcessStack(inject('redisUrl'), timings);
      await stack.startServer();
      // Attempt 1 blocks (until the test is over); later attempts finish at once.
      const wf = await stack.createAndStart(`name: lost-worker
jobs:
  - name: long
    command: 'echo $$ > pgid.$JOBGRAPH_ATTEMPT; [ "$JOBGRAPH_ATTEMPT" -gt 1 ] || sleep 120; echo ran > out.$JOBGRAPH_ATTEMPT'
  - { name: after, command: "cat out.2", depends_on: [long] }
`);
      const first = stack.startWorker();
      await waitFor(
        async () => ((await stack!.jobs(wf)).find((j) => j.name === 'long')?.status === 'running' ? true : undefined),
        60_000,
        'the job to run',
      );
      await waitFor(
        () => {
          try {
            return Number(readFileSync(join(stack!.dir, 'pgid.1'), 'utf8'));
          } catch {
            return undefined;
          }
        },
        10_000,
        'the job to write its pid',
      ).then((pgid) => orphans.push(pgid));

      await killHard(first);
      const killedAt = Date.now();
      const second = stack.startWorker(['--workflow', wf]);
      const long = await waitFor(
        async () => {
          const job = (await stack!.jobs(wf)).find((j) => j.name === 'long')!;
          return job.attempt === 2 ? job : undefined;
        },
        60_000,
        'the lost attempt to be detected',
      );
      const detectedMs = Date.now() - killedAt;
      // The bounded wait above is the 60 s limit; the time itself is reported, not asserted.
      console.log(`lost-worker detection: ${(detectedMs / 1000).toFixed(1)} s after kill -9, with ${label}`);
      expect(long.lost_reruns).toBe(1);

      expect(await exited(second)).toBe(0);
      expect(await stack.cli('workflow', 'status', wf)).toMatch(/completed/);
      const results = await stack.results(wf);
      expect([...attemptsByJob(results).values()].sort()).toEqual([[1], [1, 2]]);
      const lost = results.find((r) => r.job === long._key && r.attempt === 1)!;
      expect(lost).toMatchObject({ status: 'failed', lost: true, message: 'worker lost', return_code: -1 });
      expect(results.find((r) => r.job === long._key && r.attempt === 2)).toMatchObject({ status: 'completed' });
      expect(readFileSync(join(stack.dir, 'out.2'), 'utf8')).toBe('ran\n');

      // The dead worker's compute node is inactive, and an event says why.
      expect(await stack.store().getDocument(wf, 'compute_nodes', lost.compute_node)).toMatchObject({
        is_active: false,
      });
      const events = (await stack.store().listDocuments(wf, 'events', { filter: { type: 'worker_lost' } }))
        .items as EventDoc[];
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        compute_node: lost.compute_node,
        jobs: [{ job: long._key, attempt: 1, outcome: 'requeued' }],
      });
    },
    180_000,
  );

  it('fails a job that keeps killing its worker once the lost-worker cap is hit', async () => {
    stack = await openProcessStack(inject('redisUrl'), { JOBGRAPH_MAX_LOST_RERUNS: '1' });
    await stack.startServer();
    const wf = await stack.createAndStart(`name: node-killer
jobs:
  - { name: killer, command: 'kill -9 $JOBGRAPH_WORKER_PID; sleep 5' }
  - { name: fine, command: "true" }
`);
    // Each worker dies on its first job; keep starting workers until the workflow ends.
    for (let workers = 0; workers < 6; workers++) {
      if ((await stack.jobs(wf)).find((j) => j.name === 'killer')!.status === 'failed') break;
      await exited(stack.startWorker(['--workflow', wf]));
    }
    const killer = await waitFor(
      async () => {
        const job = (await stack!.jobs(wf)).find((j) => j.name === 'killer')!;
        return job.status === 'failed' ? job : undefined;
      },
      60_000,
      'the killer job to fail',
    );
    expect(killer).toMatchObject({ attempt: 2, lost_reruns: 1 });
    expect(String(killer.message)).toMatch(/lost its worker 2 times.*cap of 1/);
    const results = await stack.results(wf);
    expect(attemptsByJob(results).get(killer._key)).toEqual([1, 2]);
    expect(results.filter((r) => r.job === killer._key).every((r) => r.lost === true)).toBe(true);
    expect((await stack.jobs(wf)).find((j) => j.name === 'fine')!.status).toBe('completed');
    await waitFor(
      async () => (/failed/.test(await stack!.cli('workflow', 'status', wf)) ? true : undefined),
      30_000,
      'the workflow to fail',
    );
    expect((await stack.store().listDocuments(wf, 'events', { filter: { type: 'worker_lost' } })).total).toBe(2);
  }, 240_000);
});
