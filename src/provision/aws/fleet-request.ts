/**
 * The EC2 requests of one allocation, as data: a launch template (image, user data, network,
 * tags, shutdown behaviour) made for the request and deleted after it, and one instant
 * `CreateFleet` per market attempt with the candidate pools as overrides. Also how an instant
 * fleet's answer is read: the instances it launched and the errors it reports for the pools it
 * could not fill (an instant fleet answers 200 with both).
 */
import type {
  _InstanceType,
  CreateFleetCommandInput,
  CreateFleetCommandOutput,
  CreateLaunchTemplateCommandInput,
  Tag,
} from '@aws-sdk/client-ec2';
import type { AwsSettings } from './aws-settings.js';
import type { MarketAttempt } from './request-plan.js';

export interface LaunchTemplateInput {
  name: string;
  settings: Pick<AwsSettings, 'ami' | 'ami_ssm_parameter' | 'security_groups' | 'key_name' | 'instance_profile'>;
  userData: string;
  tags: Tag[];
}

/** A launch template name for one request: unique, so a crashed earlier try never collides. */
export function launchTemplateName(allocation: string, unique: string): string {
  // EC2 allows 3–128 characters of [A-Za-z0-9().\-/_].
  return `jobgraph-${allocation}-${unique}`.replace(/[^A-Za-z0-9().\-/_]/g, '_').slice(0, 128);
}

export function launchTemplateRequest(input: LaunchTemplateInput): CreateLaunchTemplateCommandInput {
  const { settings } = input;
  const profile = settings.instance_profile;
  return {
    LaunchTemplateName: input.name,
    TagSpecifications: [{ ResourceType: 'launch-template', Tags: input.tags }],
    LaunchTemplateData: {
      // EC2 resolves `resolve:ssm:NAME` itself at launch (needs ssm:GetParameters), so no SSM client is needed.
      ImageId: settings.ami ?? `resolve:ssm:${settings.ami_ssm_parameter}`,
      UserData: Buffer.from(input.userData, 'utf8').toString('base64'),
      // The worker's exit shuts the instance down; `terminate` makes that the end of the bill.
      InstanceInitiatedShutdownBehavior: 'terminate',
      // IMDSv2 only: the worker's interruption monitor speaks it, and v1 is a known SSRF hazard.
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
      ...(settings.security_groups && { SecurityGroupIds: settings.security_groups }),
      ...(settings.key_name && { KeyName: settings.key_name }),
      ...(profile && { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } }),
      TagSpecifications: [
        { ResourceType: 'instance', Tags: input.tags },
        { ResourceType: 'volume', Tags: input.tags },
      ],
    },
  };
}

/** One instant fleet for one market attempt: all `nodes` instances or (with several nodes) none. */
export function fleetRequest(
  templateName: string,
  attempt: MarketAttempt,
  nodes: number,
  tags: Tag[],
): CreateFleetCommandInput {
  const maxTotal = attempt.max_total_price !== undefined ? String(attempt.max_total_price) : undefined;
  // All-or-nothing at EC2 itself: below MinTargetCapacity an instant fleet launches nothing.
  // EC2 requires one zone (or one type) with it, which also keeps an allocation's nodes close.
  const allOrNothing = nodes > 1 ? { MinTargetCapacity: nodes, SingleAvailabilityZone: true } : {};
  return {
    Type: 'instant',
    TargetCapacitySpecification: { TotalTargetCapacity: nodes, DefaultTargetCapacityType: attempt.market },
    LaunchTemplateConfigs: [
      {
        LaunchTemplateSpecification: { LaunchTemplateName: templateName, Version: '$Latest' },
        Overrides: attempt.pools.map((p) => ({
          // EC2 names types by a closed union the SDK ships; ours came from DescribeInstanceTypes.
          InstanceType: p.instance_type as _InstanceType,
          ...(p.subnet ? { SubnetId: p.subnet } : p.zone ? { AvailabilityZone: p.zone } : {}),
          ...(attempt.market === 'spot' && attempt.max_price !== undefined && { MaxPrice: String(attempt.max_price) }),
        })),
      },
    ],
    ...(attempt.market === 'spot'
      ? {
          SpotOptions: {
            AllocationStrategy: 'price-capacity-optimized',
            InstanceInterruptionBehavior: 'terminate',
            ...allOrNothing,
            ...(maxTotal && { MaxTotalPrice: maxTotal }),
          },
        }
      : {
          OnDemandOptions: {
            AllocationStrategy: 'lowest-price',
            ...allOrNothing,
            ...(maxTotal && { MaxTotalPrice: maxTotal }),
          },
        }),
    TagSpecifications: [{ ResourceType: 'fleet', Tags: tags }],
  };
}

/** What an instant fleet launched, and why not more. */
export interface FleetOutcome {
  instanceIds: string[];
  /** `CODE: message` of each pool it could not fill. */
  errors: string[];
  /** The EC2 error codes among them (to tell capacity from configuration problems). */
  codes: string[];
}

export function readFleetAnswer(answer: Pick<CreateFleetCommandOutput, 'Instances' | 'Errors'>): FleetOutcome {
  const instanceIds = (answer.Instances ?? []).flatMap((i) => i.InstanceIds ?? []);
  const errors = (answer.Errors ?? []).map((e) => {
    const pool = e.LaunchTemplateAndOverrides?.Overrides;
    const where = pool
      ? ` (${[pool.InstanceType, pool.SubnetId ?? pool.AvailabilityZone].filter(Boolean).join(' in ')})`
      : '';
    return `${e.ErrorCode ?? 'Error'}: ${e.ErrorMessage ?? 'no message'}${where}`;
  });
  const codes = [...new Set((answer.Errors ?? []).map((e) => e.ErrorCode ?? 'Error'))];
  return { instanceIds: [...new Set(instanceIds)], errors, codes };
}
