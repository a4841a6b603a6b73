/**
 * The EC2 read calls the adapter makes, each one call (or one paginated series) turned into
 * the plain values the pure pieces take. Failures are mapped by the caller (ec2Call).
 */
import type { _InstanceType, EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import { errorCode } from './aws-errors.js';
import { ec2Sdk, type Ec2Sdk } from './ec2-sdk.js';
import { instanceTypeFacts, type InstanceTypeFacts } from './instance-candidates.js';
import type { Placement } from './request-plan.js';

/**
 * Make an EC2 client. Region, credentials and endpoint come from the SDK's standard
 * configuration (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID…, AWS_ENDPOINT_URL_EC2); `region`
 * overrides. Throttling and transient failures are retried by the SDK's standard strategy
 * (exponential backoff with jitter, a longer base delay for throttling) up to `maxAttempts`.
 */
export function createEc2Client(sdk: Ec2Sdk, options: { region?: string; maxAttempts: number }): EC2Client {
  return new sdk.EC2Client({
    ...(options.region && { region: options.region }),
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
  });
}

/**
 * Instance types: the named ones (unknown names are simply absent), or those EC2 sells in the
 * region that pass `filters`.
 */
export async function describeInstanceTypes(
  client: EC2Client,
  names?: string[],
  filters: Filter[] = [],
): Promise<InstanceTypeFacts[]> {
  const out: InstanceTypeFacts[] = [];
  const Filters = names ? [{ Name: 'instance-type', Values: names }] : filters;
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new (await ec2Sdk()).DescribeInstanceTypesCommand({ Filters, NextToken, MaxResults: 100 }),
    );
    out.push(...(page.InstanceTypes ?? []).map(instanceTypeFacts));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** The AMI's architecture (`x86_64`, `arm64`), or undefined when the image does not exist. */
export async function imageArchitecture(client: EC2Client, ami: string): Promise<string | undefined> {
  try {
    const answer = await client.send(new (await ec2Sdk()).DescribeImagesCommand({ ImageIds: [ami] }));
    return answer.Images?.[0]?.Architecture ?? undefined;
  } catch (err) {
    if (errorCode(err)?.startsWith('InvalidAMIID.')) return undefined;
    throw err;
  }
}

/** Each subnet with its zone. @throws the EC2 error (InvalidSubnetID.NotFound) for one that does not exist */
export async function subnetPlacements(client: EC2Client, subnets: string[]): Promise<Placement[]> {
  const answer = await client.send(new (await ec2Sdk()).DescribeSubnetsCommand({ SubnetIds: subnets }));
  const zones = new Map((answer.Subnets ?? []).map((s) => [s.SubnetId, s.AvailabilityZone]));
  return subnets.map((subnet) => ({ subnet, zone: zones.get(subnet) }));
}

/** The zones of the region that are available, as placements. */
export async function zonePlacements(client: EC2Client): Promise<Placement[]> {
  const answer = await client.send(
    new (await ec2Sdk()).DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }),
  );
  return (answer.AvailabilityZones ?? []).flatMap((z) => (z.ZoneName ? [{ zone: z.ZoneName }] : []));
}

/** @throws the EC2 error (InvalidGroup.NotFound) naming a group that does not exist */
export async function checkSecurityGroups(client: EC2Client, groups: string[]): Promise<void> {
  await client.send(new (await ec2Sdk()).DescribeSecurityGroupsCommand({ GroupIds: groups }));
}

/** Every region name, enabled for this account or not. */
export async function regionNames(client: EC2Client): Promise<string[]> {
  const answer = await client.send(new (await ec2Sdk()).DescribeRegionsCommand({ AllRegions: true }));
  return (answer.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : []));
}

/**
 * Instances matching `filters`. Filters (rather than InstanceIds) because EC2 fails the
 * whole call when one of several ids is unknown, and ids of long-terminated instances are.
 */
export async function describeInstances(client: EC2Client, filters: Filter[]): Promise<Instance[]> {
  const out: Instance[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new (await ec2Sdk()).DescribeInstancesCommand({ Filters: filters, NextToken }));
    for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** States in which an instance costs compute (or will): what `list` and the caps count. */
export const LIVE_STATE_FILTER: Filter = { Name: 'instance-state-name', Values: ['pending', 'running'] };

/** Terminate the given instances that are not terminated yet; unknown ones are skipped. */
export async function terminateInstances(client: EC2Client, instanceIds: string[]): Promise<string[]> {
  if (instanceIds.length === 0) return [];
  const found = await describeInstances(client, [
    { Name: 'instance-id', Values: instanceIds },
    { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
  ]);
  const ids = found.flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
  if (ids.length > 0) await client.send(new (await ec2Sdk()).TerminateInstancesCommand({ InstanceIds: ids }));
  return ids;
}

/**
 * The latest Spot price (USD per hour, Linux) of each `type@zone` asked for. EC2 keeps a
 * price history per pool; the newest entry is what a Spot instance launched now pays.
 */
export async function spotPrices(client: EC2Client, pools: Array<{ type: string; zone: string }>) {
  const prices = new Map<string, number>();
  if (pools.length === 0) return prices;
  const answer = await client.send(
    new (await ec2Sdk()).DescribeSpotPriceHistoryCommand({
      InstanceTypes: [...new Set(pools.map((p) => p.type as _InstanceType))],
      ProductDescriptions: ['Linux/UNIX'],
      StartTime: new Date(),
    }),
  );
  const newest = new Map<string, number>();
  for (const entry of answer.SpotPriceHistory ?? []) {
    const key = `${entry.InstanceType}@${entry.AvailabilityZone}`;
    const at = entry.Timestamp?.getTime() ?? 0;
    const price = Number(entry.SpotPrice);
    if (!Number.isFinite(price) || (newest.get(key) ?? -1) > at) continue;
    newest.set(key, at);
    prices.set(key, price);
  }
  return prices;
}
