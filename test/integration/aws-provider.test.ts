/**
 * The `aws` provider against a real moto server (moto's EC2 API, not AWS): submit, status,
 * list, cancel, refusals that must leave nothing running, and an instance stopped behind the
 * provider's back as a Spot interruption would. The SDK reaches moto through its standard
 * configuration only (AWS_REGION, static credentials, AWS_ENDPOINT_URL_EC2).
 *
 * What moto cannot show: it never runs out of capacity or throttles, launches every instance an
 * instant fleet asks for in the first pool, and writes `Client.UserInitiatedShutdown` as the
 * reason of any stop or terminate — so the interruption below reads back as ended/canceled, and
 * the `preempted` mapping is covered by instance-state.test.ts on EC2's documented reason code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ValidationError } from '../../src/core/errors.js';
import { AwsProvider } from '../../src/provision/aws/aws-provider.js';
import { parseProviderId } from '../../src/provision/aws/provider-id.js';
import type { AllocationStatus } from '../../src/provision/provider.js';
import { waitFor } from '../e2e/support/cli.js';
import { startMotoServer, type MotoServer } from '../setup/moto-server.js';
import { awsRequest, awsScheduler } from '../support/aws-fixtures.js';
import { Ec2Inspector, tagOf, useMotoEnvironment } from '../support/ec2-inspect.js';

let moto: MotoServer;
let restoreEnv: () => void;
let ec2: Ec2Inspector;
let provider: AwsProvider;
let ami: string;
let subnets: Array<{ id: string; zone: string }>;

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useMotoEnvironment(moto);
  ec2 = new Ec2Inspector(moto);
  provider = new AwsProvider();
  ami = await ec2.amazonLinuxAmi();
  subnets = (await ec2.defaultSubnets()).slice(0, 2);
});

afterAll(async () => {
  try {
    // Every test cleans up after itself; this is the proof that nothing was left running.
    if (ec2) expect((await ec2.liveJobgraphInstances()).map((i) => i.InstanceId)).toEqual([]);
  } finally {
    await provider?.close();
    ec2?.close();
    restoreEnv?.();
    await moto?.stop();
  }
});

/** A scheduler of its own workflow and key per test, so tags never mix across tests. */
function scheduler(name: string, fields: Record<string, unknown> = {}) {
  return awsScheduler({ _key: `s-${name}`, workflow: `wf-${name}`, name, ami, ...fields });
}

async function statusOf(id: string): Promise<AllocationStatus> {
  return (await provider.status([id])).get(id)!;
}

describe('aws provider on moto', () => {
  it('submits tagged Spot instances; status, list and cancel follow them', async () => {
    const sched = scheduler('spot2', {
      nodes: 2,
      market: 'spot',
      instance_types: ['c5.large', 'm5.large'],
      subnets: subnets.map((s) => s.id),
    });
    const request = awsRequest(sched, { allocation: 'a-spot2' });
    const submitted = await provider.submit(request);
    const ref = parseProviderId(submitted.provider_id)!;
    expect(ref.region).toBe('us-east-1');
    expect(ref.instanceIds).toHaveLength(2);

    const instances = await ec2.instances([{ Name: 'instance-id', Values: ref.instanceIds }]);
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(tagOf(i, 'jobgraph')).toBe('true');
      expect(tagOf(i, 'jobgraph:workflow')).toBe('wf-spot2');
      expect(tagOf(i, 'jobgraph:allocation')).toBe('a-spot2');
      expect(tagOf(i, 'jobgraph:scheduler')).toBe('s-spot2');
      expect(tagOf(i, 'Name')).toBe('jobgraph wf-spot2/spot2/a-spot2');
      expect(['c5.large', 'm5.large']).toContain(i.InstanceType);
      expect(i.InstanceLifecycle).toBe('spot');
      expect(i.ImageId).toBe(ami);
    }
    const userData = await ec2.userData(ref.instanceIds[0]!);
    expect(userData).toContain('worker start --api http://10.0.0.5:8080 --workflow wf-spot2 --allocation a-spot2');
    expect(userData).toContain('shutdown -h now');
    expect(submitted.details).toMatchObject({ market: 'spot', instance_ids: ref.instanceIds.slice().sort() });
    // moto quotes a placeholder Spot price; what matters is that one was read per instance.
    expect(submitted.details!.price_source).toBe('DescribeSpotPriceHistory');
    expect(typeof submitted.details!.price_per_hour).toBe('number');
    // The request's launch template was deleted once the fleet answered.
    expect((await ec2.launchTemplateNames()).filter((n) => n.includes('a-spot2'))).toEqual([]);

    const running = await waitFor(async () => {
      const s = await statusOf(submitted.provider_id);
      return s.state === 'running' ? s : undefined;
    }, 10_000);
    expect(running.allocation).toBe('a-spot2');
    expect(running.node_names).toHaveLength(2);
    expect(running.node_names!.every((n) => n.endsWith('.ec2.internal'))).toBe(true);
    expect(running.started_at).toBeDefined();

    const listed = await provider.list({ workflow: 'wf-spot2' });
    expect(listed.map((s) => s.provider_id)).toEqual([submitted.provider_id]);
    expect((await provider.list({ workflow: 'wf-nothing' })).length).toBe(0);
    expect((await provider.list()).map((s) => s.provider_id)).toContain(submitted.provider_id);

    await provider.cancel(submitted.provider_id);
    const ended = await waitFor(async () => {
      const s = await statusOf(submitted.provider_id);
      return s.state === 'ended' ? s : undefined;
    }, 10_000);
    expect(ended.reason).toBe('canceled');
    await provider.cancel(submitted.provider_id); // idempotent
    expect(await provider.list({ workflow: 'wf-spot2' })).toEqual([]);
  });

  it('launches on demand when the market says so, priced by on_demand_price', async () => {
    const sched = scheduler('od', {
      market: 'on-demand',
      min_cpus: 2,
      min_memory_bytes: 4 * 1024 ** 3,
      on_demand_price: 0.085,
    });
    const submitted = await provider.submit(awsRequest(sched, { allocation: 'a-od' }));
    const [instance] = await ec2.instances([
      { Name: 'instance-id', Values: parseProviderId(submitted.provider_id)!.instanceIds },
    ]);
    expect(instance!.InstanceLifecycle).toBeUndefined();
    expect(submitted.details).toMatchObject({ market: 'on-demand', price_per_hour: 0.085 });
    await provider.cancel(submitted.provider_id);
  });

  it('reads a stopped Spot instance (an interruption, simulated by StopInstances) as ended', async () => {
    const sched = scheduler('interrupt', { market: 'spot', instance_types: ['c5.large'] });
    const submitted = await provider.submit(awsRequest(sched, { allocation: 'a-int' }));
    const ids = parseProviderId(submitted.provider_id)!.instanceIds;
    await ec2.stop(ids);
    const ended = await waitFor(async () => {
      const s = await statusOf(submitted.provider_id);
      return s.state === 'ended' ? s : undefined;
    }, 10_000);
    // moto writes Client.UserInitiatedShutdown for every stop; EC2 writes Server.SpotInstanceTermination.
    expect(ended.reason).toBe('canceled');
    expect(ended.message).toContain('Client.UserInitiatedShutdown');
    expect(await provider.list({ workflow: 'wf-interrupt' })).toEqual([]);
    await provider.cancel(submitted.provider_id); // terminates the stopped instance
    expect((await ec2.instances([{ Name: 'instance-id', Values: ids }]))[0]!.State!.Name).toBe('terminated');
  });

  it('a refusal at launch deletes the template and terminates whatever carries the allocation tag', async () => {
    // An instance a lost CreateFleet reply could have left: tagged with the allocation, unknown to the caller.
    const orphan = await ec2.launchTagged(ami, [
      { Key: 'jobgraph', Value: 'true' },
      { Key: 'jobgraph:allocation', Value: 'a-refused' },
    ]);
    // moto does not resolve `resolve:ssm:` image references (EC2 does), so it refuses the fleet.
    const sched = scheduler('refused', {
      ami: undefined,
      ami_ssm_parameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      market: 'spot-then-on-demand',
    });
    const err = await provider.submit(awsRequest(sched, { allocation: 'a-refused' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/aws scheduler refused: EC2 refused CreateFleet in us-east-1: InvalidAMIID/);
    expect((await ec2.instances([{ Name: 'instance-id', Values: [orphan] }]))[0]!.State!.Name).toBe('terminated');
    expect(await ec2.liveJobgraphInstances([{ Name: 'tag:jobgraph:allocation', Values: ['a-refused'] }])).toEqual([]);
    expect((await ec2.launchTemplateNames()).filter((n) => n.includes('a-refused'))).toEqual([]);
  });

  it('refuses past max_instances and with no instance type that exists, creating nothing', async () => {
    const capped = scheduler('capped', { market: 'on-demand', instance_types: ['t3.micro'], max_instances: 1 });
    const first = await provider.submit(awsRequest(capped, { allocation: 'a-cap1' }));
    const refused = await provider.submit(awsRequest(capped, { allocation: 'a-cap2' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect((refused as Error).message).toContain('max_instances is 1 and 1 instance(s) are alive');
    expect(await ec2.instances([{ Name: 'tag:jobgraph:allocation', Values: ['a-cap2'] }])).toEqual([]);
    await provider.cancel(first.provider_id);

    const zeroCap = await provider
      .submit(awsRequest(scheduler('zero', { max_instances: 0 }), { allocation: 'a-zero' }))
      .catch((e: unknown) => e);
    expect(zeroCap).toBeInstanceOf(ValidationError);
    expect((zeroCap as ValidationError).issues[0]!.path).toBe('aws_schedulers.zero.max_instances');

    const noType = scheduler('notype', { instance_types: ['zz9.nothing'] });
    await expect(provider.submit(awsRequest(noType, { allocation: 'a-notype' }))).rejects.toThrow(
      /no candidate instance type is sold on this market/,
    );
    expect(await ec2.instances([{ Name: 'tag:jobgraph:allocation', Values: ['a-zero', 'a-notype'] }])).toEqual([]);
  });

  it('answers ended/unknown for ids it does not know, without throwing', async () => {
    const gone = 'us-east-1:i-0123456789abcdef0';
    const answers = await provider.status([gone, 'not-an-id']);
    expect(answers.get(gone)).toMatchObject({ state: 'ended', reason: 'unknown' });
    expect(answers.get('not-an-id')).toMatchObject({ state: 'ended', reason: 'unknown' });
    await provider.cancel(gone); // nothing to do, no error
    await expect(provider.cancel('not-an-id')).rejects.toThrow(ValidationError);
  });
});
