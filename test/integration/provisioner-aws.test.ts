/**
 * The provisioner with the `aws` provider on a real moto server and a real SQLite graph (no
 * workers: the graph is moved by hand where workers would move it). Auto-scaling submits
 * tagged instances; after a worker's Spot notice the interrupted allocation is replaced
 * outside its pool; a canceled workflow's instances are all terminated; and a restarted
 * provisioner's first pass adopts, keeps, terminates or leaves alone what it finds by tag.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { AllocationDoc, BaseDoc } from '../../src/core/model.js';
import type { GraphStore } from '../../src/graph/graph-store.js';
import { openSqliteGraphStore } from '../../src/graph/sqlite/sqlite-graph-store.js';
import { formatProviderId } from '../../src/provision/aws/provider-id.js';
import { ProviderRegistry } from '../../src/provision/provider-registry.js';
import { Provisioner } from '../../src/provision/provisioner.js';
import { recordAllocation } from '../../src/provision/record-allocation.js';
import { specToBundle } from '../../src/workflow-spec/index.js';
import { waitFor } from '../e2e/support/cli.js';
import { startMotoServer, type MotoServer } from '../setup/moto-server.js';
import { Ec2Inspector, tagOf, useMotoEnvironment } from '../support/ec2-inspect.js';

let moto: MotoServer;
let restoreEnv: () => void;
let ec2: Ec2Inspector;
let ami: string;
let dir: string;
let store: GraphStore;
const running: Array<{ provisioner: Provisioner; providers: ProviderRegistry }> = [];

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useMotoEnvironment(moto);
  ec2 = new Ec2Inspector(moto);
  ami = await ec2.amazonLinuxAmi();
  dir = mkdtempSync(join(tmpdir(), 'jobgraph-provisioner-aws-'));
  store = await openSqliteGraphStore(join(dir, 'graph.sqlite'));
});

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.provisioner.stop();
    await r.providers.close();
  }
});

afterAll(async () => {
  try {
    if (ec2) expect((await ec2.liveJobgraphInstances()).map((i) => i.InstanceId)).toEqual([]);
  } finally {
    await store?.close();
    ec2?.close();
    restoreEnv?.();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

async function startProvisioner(): Promise<Provisioner> {
  const providers = new ProviderRegistry();
  const provisioner = new Provisioner({
    store,
    providers,
    logger: silentLogger,
    launch: { apiUrl: 'http://127.0.0.1:9', cwd: dir },
    intervalMs: 200,
    id: 'test',
  });
  running.push({ provisioner, providers });
  await provisioner.start();
  return provisioner;
}

/** A running workflow of `jobs` one-CPU jobs on one aws Spot scheduler (t3.micro: two such jobs per node). */
async function cloudWorkflow(jobs: number, scheduler: Record<string, unknown> = {}): Promise<string> {
  const bundle = specToBundle({
    name: 'cloud',
    resource_requirements: [{ name: 'one', num_cpus: 1, memory: '100m', runtime: 'PT5M' }],
    aws_schedulers: [{ name: 'spot', market: 'spot', instance_types: ['t3.micro'], ami, ...scheduler }],
    jobs: [{ name: 'j{i}', command: 'true', resource_requirements: 'one', parameters: { i: `1:${jobs}` } }],
  });
  const wf = (await store.createWorkflow(bundle))._key;
  return wf;
}

const allocations = async (wf: string) =>
  (await store.listDocuments(wf, 'allocations', { limit: 1000 })).items as AllocationDoc[];
const eventsOf = async (wf: string, type: string) =>
  (await store.listDocuments(wf, 'events', { filter: { type }, limit: 1000 })).items as BaseDoc[];
const liveInstancesOf = (wf: string) => ec2.liveJobgraphInstances([{ Name: 'tag:jobgraph:workflow', Values: [wf] }]);

describe('provisioner on moto', () => {
  it('auto-scales, replaces an interrupted allocation outside its pool, and ends everything on cancel', async () => {
    const wf = await cloudWorkflow(4, { max_instances: 2 });
    await store.updateWorkflow(wf, { auto_scale: true });
    await store.initializeWorkflow(wf);
    const provisioner = await startProvisioner();

    // Four jobs, two per t3.micro, max_instances 2: two allocations, no more.
    const first = await waitFor(async () => {
      const live = (await allocations(wf)).filter((a) => a.state === 'running');
      return live.length === 2 ? live : undefined;
    }, 15_000);
    expect((await allocations(wf)).length).toBe(2);
    expect((await liveInstancesOf(wf)).map((i) => i.InstanceType)).toEqual(['t3.micro', 't3.micro']);

    // A worker on the first one ran a job, then posts a Spot notice; then the instance goes.
    const interrupted = first.sort((a, b) => a._key.localeCompare(b._key))[0]!;
    const zone = (interrupted.details!.zones as string[])[0]!;
    const node = await store.insertDocument(wf, 'compute_nodes', { allocation: interrupted._key, hostname: 'i-1' });
    const job = (await store.listDocuments(wf, 'jobs', { limit: 1 })).items[0]!;
    await store.insertEdge(wf, 'executed', { _from: node._id, _to: job._id });
    await store.appendEvents([
      {
        workflow: wf,
        source: 'user',
        type: 'spot_interruption_notice',
        allocation: interrupted._key,
        instance_type: 't3.micro',
        zone,
        time: new Date(Date.now() + 120_000).toISOString(),
      },
    ]);
    // Capped at two live allocations, the replacement waits for the interrupted one to end:
    // a whole pass that has read the notice submits nothing.
    provisioner.poke([wf]);
    await provisioner.whenIdle();
    expect((await allocations(wf)).length).toBe(2);
    await ec2.terminate((interrupted.details!.instance_ids as string[]) ?? []);

    const replacement = await waitFor(
      async () => (await allocations(wf)).find((a) => a.replaces !== undefined && a.state !== 'submitting'),
      15_000,
    );
    expect(replacement).toMatchObject({ replaces: interrupted._key, avoid: [{ instance_type: 't3.micro', zone }] });
    const [submitted] = (await eventsOf(wf, 'allocation_submitted')).filter((e) => e.allocation === replacement._key);
    expect(submitted).toMatchObject({
      reason: 'replacement',
      replaces: interrupted._key,
      avoid: [{ instance_type: 't3.micro', zone }],
      trigger: 'auto_scale',
    });
    await waitFor(async () => ((await liveInstancesOf(wf)).length === 2 ? true : undefined), 15_000);
    // Replaced once: nothing else was submitted.
    expect((await allocations(wf)).length).toBe(3);

    await store.cancelWorkflow(wf);
    await waitFor(async () => ((await liveInstancesOf(wf)).length === 0 ? true : undefined), 15_000);
    const ended = await waitFor(async () => {
      const all = await allocations(wf);
      return all.every((a) => a.state === 'ended') ? all : undefined;
    }, 15_000);
    // The two live ones are canceled. The interrupted one's instance was terminated above (as AWS
    // would): whether tracking saw that end (reason unknown: moto gives no Spot reason) before the
    // cancel reached it depends on timing, so either is right for it.
    const byKey = new Map(ended.map((a) => [a._key, a.reason]));
    expect(['canceled', 'unknown']).toContain(byKey.get(interrupted._key));
    expect(ended.filter((a) => a._key !== interrupted._key).map((a) => a.reason)).toEqual(['canceled', 'canceled']);
    expect((await eventsOf(wf, 'allocation_cancel_requested')).length).toBe(2);
  });

  it('on start, adopts an unrecorded submission, keeps what it follows, terminates the rest by tag', async () => {
    const wf = await cloudWorkflow(1);
    await store.initializeWorkflow(wf); // running, no auto-scaling: nothing is submitted
    const scheduler = (await store.listDocuments(wf, 'schedulers')).items[0]!._key;
    const tags = (allocation: string, workflow = wf) => [
      { Key: 'jobgraph', Value: 'true' },
      { Key: 'jobgraph:workflow', Value: workflow },
      { Key: 'jobgraph:allocation', Value: allocation },
      { Key: 'jobgraph:scheduler', Value: scheduler },
    ];
    const record = async (fields: Partial<AllocationDoc>) =>
      (
        await recordAllocation(store, wf, {
          scheduler,
          scheduler_name: 'spot',
          provider: 'aws',
          state: 'submitting',
          nodes: 1,
          trigger: 'auto_scale',
          submitted_at: new Date().toISOString(),
          ...fields,
        })
      )._key;
    // a1: submitted, then the service stopped before recording the answer.
    const unrecorded = await record({});
    const unrecordedId = await ec2.launchTagged(ami, tags(unrecorded));
    // a2: recorded and followed.
    const followed = await record({});
    const followedId = await ec2.launchTagged(ami, tags(followed));
    await store.writeDocuments(wf, {
      update: [
        {
          collection: 'allocations',
          key: followed,
          patch: {
            state: 'pending',
            provider_id: formatProviderId({ region: 'us-east-1', instanceIds: [followedId] }),
          },
        },
      ],
    });
    // a3: recorded as failed, yet an instance came up (a reply lost after the launch).
    const failed = await record({ state: 'ended', reason: 'failed' });
    const failedId = await ec2.launchTagged(ami, tags(failed));
    // No record at all, and another installation's workflow.
    const strayId = await ec2.launchTagged(ami, tags(`${wf}-a99`));
    const foreignId = await ec2.launchTagged(ami, tags('elsewhere-a1', 'elsewhere'));

    try {
      await startProvisioner();
      const adopted = await waitFor(async () => {
        const doc = (await allocations(wf)).find((a) => a._key === unrecorded)!;
        return doc.state !== 'submitting' ? doc : undefined;
      }, 15_000);
      expect(adopted.provider_id).toBe(formatProviderId({ region: 'us-east-1', instanceIds: [unrecordedId] }));
      const terminated = await waitFor(async () => {
        const events = await eventsOf(wf, 'allocation_orphan_terminated');
        return events.length === 2 ? events : undefined;
      }, 15_000);
      expect(terminated.map((e) => [e.allocation, e.reason]).sort()).toEqual([
        [failed, 'its allocation ended (failed)'],
        [`${wf}-a99`, 'no allocation record has its key'],
      ]);
      const live = new Set((await ec2.liveJobgraphInstances()).map((i) => i.InstanceId));
      expect([unrecordedId, followedId, foreignId].every((id) => live.has(id))).toBe(true);
      expect(live.has(failedId) || live.has(strayId)).toBe(false);
      expect((await eventsOf(wf, 'allocation_submitted')).map((e) => [e.allocation, e.adopted])).toEqual([
        [unrecorded, true],
      ]);
      expect(
        tagOf((await ec2.instances([{ Name: 'instance-id', Values: [foreignId] }]))[0]!, 'jobgraph:workflow'),
      ).toBe('elsewhere');
    } finally {
      await ec2.terminate([unrecordedId, followedId, foreignId]);
    }
  });
});
