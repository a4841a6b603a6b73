/**
 * No silent waits (issue 11, item 5): a real `jobgraph server` (API + scheduler), a real worker
 * process and redis-server. A job needing more memory than the only worker offers gets one
 * `job_unfit` event and a `waiting` line in its workflow's status once it has waited
 * JOBGRAPH_UNFIT_WAIT_MS; a job that fits runs and gets none.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunDir, spawnCli, waitFor } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const children = childrenKilledAfterEach();
const THRESHOLD_MS = 3000;

interface Status {
  status: string;
  counts: Record<string, number>;
  waiting?: Array<{ job: string; name: string; reason: string }>;
}

describe('a queued job that fits no worker', () => {
  it('gets one job_unfit event and a waiting line in status; a job that fits gets none', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'unfit.yaml'),
      `name: unfit
resource_requirements:
  - { name: huge, num_cpus: 1, memory: 500g, runtime: PT1M }
  - { name: tiny, num_cpus: 1, memory: 10m, runtime: PT1M }
jobs:
  - { name: big, command: "true", resource_requirements: huge }
  - { name: small, command: "true", resource_requirements: tiny }
`,
    );
    const { api, env, cli } = await startTestServer(dir, children, 'graph.sqlite', {
      env: { JOBGRAPH_UNFIT_WAIT_MS: String(THRESHOLD_MS), JOBGRAPH_RECONCILE_MS: '500' },
    });
    const key = (await cli('workflow', 'create', 'unfit.yaml')).trim();
    children.push(
      spawnCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '2', '--mem', '1g'], { cwd: dir, env }),
    );
    await cli('workflow', 'start', key);
    const status = async () => JSON.parse(await cli('workflow', 'status', key, '--json')) as Status;
    const unfitEvents = async () =>
      (await cli('workflow', 'events', key, '--type', 'job_unfit', '--json'))
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    // The small job runs; until the threshold has passed nothing is said about the big one.
    const began = Date.now();
    await waitFor(async () => ((await status()).counts.completed === 1 ? true : undefined), 60_000, 'small done');
    if (Date.now() - began < THRESHOLD_MS - 500) expect(await unfitEvents()).toEqual([]);

    // The threshold plus a few scheduler passes (slow, shared machine: generous deadline).
    const waiting = await waitFor(async () => (await status()).waiting, THRESHOLD_MS + 30_000, 'waiting line');
    expect(waiting).toEqual([
      { job: expect.any(String), name: 'big', reason: 'no worker with 500g memory (largest: 1g)' },
    ]);
    const [event, ...more] = await unfitEvents();
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'job_unfit',
      name: 'big',
      jobs: 1,
      requirement: { memory_bytes: 500 * 1024 ** 3, num_cpus: 1 },
      largest: { memory_bytes: 1024 ** 3, num_cpus: 2 },
    });
    expect((await status()).counts).toMatchObject({ completed: 1, queued: 1 });

    // `workflow status` prints it; more passes record no second event (one per class, not per poll).
    expect(await cli('workflow', 'status', key)).toMatch(
      /^waiting: job "big" \(\S+\): no worker with 500g memory \(largest: 1g\)$/m,
    );
    const passesLater = Date.now() + 2000;
    await waitFor(async () => (Date.now() > passesLater ? true : undefined), 10_000, 'a few more passes');
    expect(await unfitEvents()).toHaveLength(1);
    // Only the big job was reported: the small one fitted.
    expect((await cli('workflow', 'events', key, '--json')).match(/"job_unfit"/g)).toHaveLength(1);
  }, 180_000);
});
