/**
 * The `aws` provider's read-only side against a real moto server: `validate` asking EC2 whether
 * what a scheduler names exists, `nodeShape`, `describe`, and what happens without credentials
 * or without an endpoint. Creates no instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../../src/core/errors.js';
import { AwsProvider } from '../../src/provision/aws/aws-provider.js';
import { USABLE_MEMORY_FRACTION } from '../../src/provision/aws/instance-candidates.js';
import { startMotoServer, type MotoServer } from '../setup/moto-server.js';
import { awsRequest, awsScheduler } from '../support/aws-fixtures.js';
import { Ec2Inspector, useMotoEnvironment } from '../support/ec2-inspect.js';

let moto: MotoServer;
let restoreEnv: () => void;
let ec2: Ec2Inspector;
let provider: AwsProvider;
let ami: string;
let armAmi: string;
let subnet: string;

beforeAll(async () => {
  moto = await startMotoServer();
  restoreEnv = useMotoEnvironment(moto);
  ec2 = new Ec2Inspector(moto);
  provider = new AwsProvider();
  [ami, armAmi] = await Promise.all([ec2.amazonLinuxAmi('x86_64'), ec2.amazonLinuxAmi('arm64')]);
  subnet = (await ec2.defaultSubnets())[0]!.id;
});

afterAll(async () => {
  await provider?.close();
  ec2?.close();
  restoreEnv?.();
  await moto?.stop();
});

async function issuesOf(fields: Record<string, unknown>) {
  const err = await provider.validate(awsScheduler({ ami, ...fields })).catch((e: unknown) => e);
  if (err === undefined) return [];
  if (!(err instanceof ValidationError)) throw err;
  return err.issues.map((i) => i.path);
}

describe('aws provider settings on moto', () => {
  it('accepts a scheduler whose region, types, AMI, subnet and security group exist', async () => {
    const [group] = await ec2.securityGroupIds();
    expect(
      await issuesOf({
        region: 'us-east-1',
        instance_types: ['c5.large', 'm5.large'],
        subnets: [subnet],
        security_groups: [group],
        max_instances: 10,
        max_price: 0.5,
      }),
    ).toEqual([]);
  });

  it('names every setting EC2 does not know, at once', async () => {
    expect(
      await issuesOf({
        instance_types: ['c5.large', 'zz9.nothing'],
        subnets: ['subnet-0000000000000000a'],
        security_groups: ['sg-0000000000000000a'],
      }),
    ).toEqual([
      'aws_schedulers.cloud.instance_types[1]',
      'aws_schedulers.cloud.subnets',
      'aws_schedulers.cloud.security_groups',
    ]);
    expect(await issuesOf({ ami: 'ami-00000000000000000' })).toEqual(['aws_schedulers.cloud.ami']);
    expect(await issuesOf({ region: 'xx-nowhere-1' })).toEqual(['aws_schedulers.cloud.region']);
  });

  it('refuses a node no instance type provides, and types of another architecture than the AMI', async () => {
    expect(await issuesOf({ min_cpus: 100_000 })).toEqual(['aws_schedulers.cloud.min_cpus']);
    expect(await issuesOf({ ami: armAmi, instance_types: ['c5.large'], market: 'spot' })).toEqual([
      'aws_schedulers.cloud.instance_types',
    ]);
    expect(await issuesOf({ market: 'cheapest' })).toEqual(['aws_schedulers.cloud.market']);
  });

  it('reports the node every candidate type provides', async () => {
    const shape = await provider.nodeShape(awsScheduler({ ami, instance_types: ['c5.xlarge', 'c5.large'] }));
    expect(shape.num_cpus).toBe(2);
    expect(shape.num_gpus).toBe(0);
    expect(shape.memory_bytes).toBe(Math.floor(4096 * USABLE_MEMORY_FRACTION) * 1024 ** 2);
    const gpu = await provider.nodeShape(awsScheduler({ ami, min_gpus: 1, market: 'on-demand' }));
    expect(gpu.num_gpus).toBeGreaterThanOrEqual(1);
  });

  it('describes the requests as AWS CLI commands, without the token, creating nothing', async () => {
    const sched = awsScheduler({ ami, instance_types: ['c5.large'], market: 'spot-then-on-demand' });
    const request = awsRequest(sched, { worker: { ...awsRequest(sched).worker, token: 'secret-token-123' } });
    const text = await provider.describe(request);
    expect(text).toContain('aws ec2 create-launch-template --region us-east-1');
    expect(text.match(/aws ec2 create-fleet/g)).toHaveLength(2);
    expect(text).toContain('JOBGRAPH_TOKEN=<token>');
    expect(text).not.toContain('secret-token-123');
    expect(await ec2.launchTemplateNames()).toEqual([]);
  });

  it('says how to provide credentials when there are none', async () => {
    const restore = useMotoEnvironment(moto, {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    const bare = new AwsProvider();
    try {
      const err = await bare.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toMatch(/no AWS credentials found: set AWS_ACCESS_KEY_ID/);
    } finally {
      await bare.close();
      restore();
    }
  });

  it('calls an endpoint that does not answer unavailable', async () => {
    const restore = useMotoEnvironment(moto, { AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9' });
    const offline = new AwsProvider({ maxAttempts: 2 });
    try {
      await expect(offline.status(['us-east-1:i-0123456789abcdef0'])).rejects.toThrow(UnavailableError);
    } finally {
      await offline.close();
      restore();
    }
  });
});
