/**
 * A worker on an "EC2 instance" (`instance` option, as `worker start --imds` sets it) against
 * the test's IMDSv2 server and the real stack: it records the instance on its compute node; a
 * Spot interruption notice terminates, as interrupted, the attempt that cannot finish before it
 * (run again as the next attempt, no failure retry spent) and is posted as one event; a
 * rebalance recommendation lets the running attempt finish, takes nothing new, and the worker
 * ends by itself.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { BaseDoc } from '../../src/core/model.js';
import { ImdsClient } from '../../src/provision/aws/imds-client.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { waitFor } from '../e2e/support/cli.js';
import { startImdsServer, type ImdsServer } from '../support/imds-server.js';
import { openWorkerStack, type WorkerStack } from './worker-fixture.js';

const GIB = 1024 ** 3;
const redisUrl = inject('redisUrl');
const identity = { instanceId: 'i-0feed', instanceType: 't3.micro', zone: 'us-east-1c', lifecycle: 'spot' } as const;

let stack: WorkerStack;
let imds: ImdsServer;
const workers: WorkerHandle[] = [];
beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
  imds = await startImdsServer(identity);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await imds.stop();
  await stack.close();
});

async function cloudWorker(workflow: string): Promise<WorkerHandle> {
  const client = new ImdsClient({ baseUrl: imds.url });
  const handle = await startWorker({
    apiUrl: stack.api.url,
    num_cpus: 2,
    memory_bytes: 4 * GIB,
    num_gpus: 0,
    cwd: stack.dir,
    idlePollMs: 100,
    terminateGraceMs: 1000,
    workflow,
    allocation: `${workflow}-a1`,
    instance: { imds: client, pollMs: 100, identity: await client.identity() },
  });
  workers.push(handle);
  return handle;
}

const events = async (wf: string, type: string) =>
  (await stack.store.listDocuments(wf, 'events', { filter: { type } })).items;

describe('worker with --imds', () => {
  it('records its instance, and a Spot notice interrupts the attempt that cannot finish before it', async () => {
    const wf = await stack.create({
      name: 'spot',
      resource_requirements: [{ name: 'long', num_cpus: 1, memory: '100m', runtime: 'PT10M' }],
      jobs: [{ name: 'long', command: 'sleep 300', resource_requirements: 'long' }],
    });
    await stack.start(wf);
    const handle = await cloudWorker(wf);
    const [node] = (await stack.store.listDocuments(wf, 'compute_nodes')).items as BaseDoc[];
    expect(node).toMatchObject({
      allocation: `${wf}-a1`,
      instance_id: 'i-0feed',
      instance_type: 't3.micro',
      zone: 'us-east-1c',
      market: 'spot',
    });
    await waitFor(async () => ((await stack.jobs(wf)).get('long')!.status === 'running' ? true : undefined));

    const at = new Date(Date.now() + 120_000);
    imds.interrupt(at);
    const job = await waitFor(async () => {
      const j = (await stack.jobs(wf)).get('long')!;
      return j.attempt === 2 ? j : undefined;
    }, 10_000);
    expect(job.failure_retries ?? 0).toBe(0);
    expect((await stack.results(wf)).get(job._key)).toMatchObject({
      attempt: 1,
      status: 'terminated',
      interrupted: true,
      message: 'interrupted: spot interruption',
    });
    const notices = await waitFor(async () => {
      const found = await events(wf, 'spot_interruption_notice');
      return found.length > 0 ? found : undefined;
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      allocation: `${wf}-a1`,
      worker_id: handle.workerId,
      instance_id: 'i-0feed',
      instance_type: 't3.micro',
      zone: 'us-east-1c',
      market: 'spot',
      action: 'terminate',
      time: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString(),
    });
    // Attempt 2 of a 10-minute job does not fit in the two minutes left: it waits for another
    // node, queued once the scheduler has promoted it again (ready until then), never running here.
    expect(['ready', 'queued']).toContain(job.status);
    await waitFor(async () => ((await stack.jobs(wf)).get('long')!.status === 'queued' ? true : undefined));
  });

  it('a rebalance recommendation lets the running attempt finish, takes nothing new, and ends the worker', async () => {
    const wf = await stack.create({
      name: 'rebalance',
      jobs: [
        { name: 'first', command: 'sleep 1.5' },
        { name: 'second', command: 'true', depends_on: ['first'] },
      ],
    });
    await stack.start(wf);
    const handle = await cloudWorker(wf);
    await waitFor(async () => ((await stack.jobs(wf)).get('first')!.status === 'running' ? true : undefined));
    imds.rebalance(new Date());
    expect(await handle.done).toBe(0);
    const jobs = await stack.jobs(wf);
    expect(jobs.get('first')).toMatchObject({ status: 'completed', attempt: 1 });
    // Ready after first completed, but the draining worker took nothing more.
    expect(['ready', 'queued']).toContain(jobs.get('second')!.status);
    expect(await events(wf, 'rebalance_recommendation')).toEqual([
      expect.objectContaining({ allocation: `${wf}-a1`, instance_id: 'i-0feed', zone: 'us-east-1c' }),
    ]);
    expect(await events(wf, 'spot_interruption_notice')).toEqual([]);
  });
});
