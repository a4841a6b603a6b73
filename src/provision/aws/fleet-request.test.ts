import { describe, expect, it } from 'vitest';
import { fleetRequest, launchTemplateName, launchTemplateRequest, readFleetAnswer } from './fleet-request.js';

const tags = [{ Key: 'jobgraph', Value: 'true' }];
const pools = [
  { instance_type: 'c5.large', subnet: 'subnet-a', zone: 'us-east-1a' },
  { instance_type: 'm5.large', zone: 'us-east-1b' },
  { instance_type: 'r5.large' },
];

describe('fleet requests', () => {
  it('names a launch template within EC2 rules', () => {
    expect(launchTemplateName('alloc:1 x', 'u1')).toBe('jobgraph-alloc_1_x-u1');
    expect(launchTemplateName('a'.repeat(200), 'u1')).toHaveLength(128);
  });

  it('puts the AMI (or an SSM reference), user data, network and tags in the launch template', () => {
    const input = launchTemplateRequest({
      name: 'lt',
      settings: { ami: 'ami-1', security_groups: ['sg-1'], key_name: 'k', instance_profile: 'workers' },
      userData: '#!/bin/bash\necho hi\n',
      tags,
    });
    const data = input.LaunchTemplateData!;
    expect(data).toMatchObject({
      ImageId: 'ami-1',
      InstanceInitiatedShutdownBehavior: 'terminate',
      MetadataOptions: { HttpTokens: 'required' },
      SecurityGroupIds: ['sg-1'],
      KeyName: 'k',
      IamInstanceProfile: { Name: 'workers' },
    });
    expect(Buffer.from(data.UserData!, 'base64').toString()).toBe('#!/bin/bash\necho hi\n');
    expect(data.TagSpecifications!.map((t) => t.ResourceType)).toEqual(['instance', 'volume']);
    const ssm = launchTemplateRequest({
      name: 'lt',
      settings: { ami_ssm_parameter: '/aws/service/x', instance_profile: 'arn:aws:iam::1:instance-profile/w' },
      userData: '',
      tags,
    }).LaunchTemplateData!;
    expect(ssm.ImageId).toBe('resolve:ssm:/aws/service/x');
    expect(ssm.IamInstanceProfile).toEqual({ Arn: 'arn:aws:iam::1:instance-profile/w' });
  });

  it('asks an instant Spot fleet for price-capacity-optimized capacity across the pools', () => {
    const input = fleetRequest('lt', { market: 'spot', pools, max_price: 0.1, max_total_price: 0.3 }, 3, tags);
    expect(input).toMatchObject({
      Type: 'instant',
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: 'spot' },
      SpotOptions: {
        AllocationStrategy: 'price-capacity-optimized',
        MinTargetCapacity: 3,
        SingleAvailabilityZone: true,
        MaxTotalPrice: '0.3',
      },
      TagSpecifications: [{ ResourceType: 'fleet', Tags: tags }],
    });
    expect(input.LaunchTemplateConfigs![0]!.Overrides).toEqual([
      { InstanceType: 'c5.large', SubnetId: 'subnet-a', MaxPrice: '0.1' },
      { InstanceType: 'm5.large', AvailabilityZone: 'us-east-1b', MaxPrice: '0.1' },
      { InstanceType: 'r5.large', MaxPrice: '0.1' },
    ]);
    expect(input.OnDemandOptions).toBeUndefined();
  });

  it('asks on-demand at the lowest price, without all-or-nothing for one node', () => {
    const input = fleetRequest('lt', { market: 'on-demand', pools }, 1, tags);
    expect(input.OnDemandOptions).toEqual({ AllocationStrategy: 'lowest-price' });
    expect(input.SpotOptions).toBeUndefined();
    expect(input.LaunchTemplateConfigs![0]!.Overrides![0]).toEqual({ InstanceType: 'c5.large', SubnetId: 'subnet-a' });
  });

  it('reads launched instances and the errors of pools it could not fill', () => {
    const outcome = readFleetAnswer({
      Instances: [
        { InstanceIds: ['i-1', 'i-2'], InstanceType: 'c5.large', Lifecycle: 'spot' },
        { InstanceIds: ['i-3'], InstanceType: 'm5.large', Lifecycle: 'spot' },
      ],
      Errors: [
        {
          ErrorCode: 'InsufficientInstanceCapacity',
          ErrorMessage: 'no capacity',
          LaunchTemplateAndOverrides: { Overrides: { InstanceType: 'r5.large', SubnetId: 'subnet-a' } },
        },
        { ErrorCode: 'InsufficientInstanceCapacity', ErrorMessage: 'again' },
      ],
    });
    expect(outcome.instanceIds).toEqual(['i-1', 'i-2', 'i-3']);
    expect(outcome.errors).toEqual([
      'InsufficientInstanceCapacity: no capacity (r5.large in subnet-a)',
      'InsufficientInstanceCapacity: again',
    ]);
    expect(outcome.codes).toEqual(['InsufficientInstanceCapacity']);
    expect(readFleetAnswer({})).toEqual({ instanceIds: [], errors: [], codes: [] });
  });
});
