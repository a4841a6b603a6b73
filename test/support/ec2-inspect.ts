/**
 * Looking at moto's EC2 from the tests' side, with the SDK directly rather than through the
 * adapter under test: what instances and launch templates exist, with which tags, and the
 * moves a test makes behind the adapter's back (stop an instance as an interruption would,
 * launch an orphan). Also the environment switch that points the SDK at moto.
 */
import {
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type Instance,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { MotoServer } from '../setup/moto-server.js';

/** Point the SDK at moto through the standard variables; returns a function that restores the environment. */
export function useMotoEnvironment(moto: MotoServer, extra: Record<string, string | undefined> = {}): () => void {
  const vars = { ...moto.env, AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined, ...extra };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  setEnv(vars);
  return () => setEnv(saved);
}

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

export class Ec2Inspector {
  readonly client: EC2Client;

  constructor(moto: MotoServer) {
    this.client = new EC2Client({
      region: moto.env.AWS_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }

  /** An Amazon Linux 2023 image of moto's catalogue for `arch`. */
  async amazonLinuxAmi(arch: 'x86_64' | 'arm64' = 'x86_64'): Promise<string> {
    const answer = await this.client.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [`al2023-ami-2023*-${arch}`] }] }),
    );
    const id = answer.Images?.[0]?.ImageId;
    if (!id) throw new Error(`moto has no al2023 ${arch} image`);
    return id;
  }

  async defaultSubnets(): Promise<Array<{ id: string; zone: string }>> {
    const answer = await this.client.send(new DescribeSubnetsCommand({}));
    return (answer.Subnets ?? [])
      .map((s) => ({ id: s.SubnetId!, zone: s.AvailabilityZone! }))
      .sort((a, b) => a.zone.localeCompare(b.zone));
  }

  async securityGroupIds(): Promise<string[]> {
    const answer = await this.client.send(new DescribeSecurityGroupsCommand({}));
    return (answer.SecurityGroups ?? []).map((g) => g.GroupId!);
  }

  async instances(filters: Filter[] = []): Promise<Instance[]> {
    const answer = await this.client.send(new DescribeInstancesCommand({ Filters: filters }));
    return (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  }

  /** Instances carrying the `jobgraph` marker tag that are pending or running. */
  async liveJobgraphInstances(extra: Filter[] = []): Promise<Instance[]> {
    return this.instances([
      { Name: 'tag:jobgraph', Values: ['true'] },
      { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ...extra,
    ]);
  }

  async userData(instanceId: string): Promise<string> {
    const answer = await this.client.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
    );
    return Buffer.from(answer.UserData?.Value ?? '', 'base64').toString('utf8');
  }

  async launchTemplateNames(): Promise<string[]> {
    const answer = await this.client.send(new DescribeLaunchTemplatesCommand({}));
    return (answer.LaunchTemplates ?? []).map((t) => t.LaunchTemplateName!);
  }

  /** Launch an instance the adapter did not: what a lost CreateFleet reply would leave behind. */
  async launchTagged(ami: string, tags: Tag[]): Promise<string> {
    const answer = await this.client.send(
      new RunInstancesCommand({
        ImageId: ami,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
      }),
    );
    return answer.Instances![0]!.InstanceId!;
  }

  async stop(instanceIds: string[]): Promise<void> {
    await this.client.send(new StopInstancesCommand({ InstanceIds: instanceIds }));
  }

  async terminate(instanceIds: string[]): Promise<void> {
    if (instanceIds.length > 0) await this.client.send(new TerminateInstancesCommand({ InstanceIds: instanceIds }));
  }

  close(): void {
    this.client.destroy();
  }
}

/** A tag's value on an instance. */
export function tagOf(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((t) => t.Key === key)?.Value;
}
