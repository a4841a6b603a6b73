/**
 * The `aws` provider id of an allocation: its region and its instance ids,
 * `<region>:<instance-id>[,<instance-id>…]` with the ids sorted, e.g.
 * `us-east-1:i-0abc,i-0def`. The region is in it because `status` and `cancel` receive ids
 * alone and schedulers of one workflow may use different regions; the instance ids rather than
 * a fleet id because an instant fleet is a one-shot request (EC2 keeps no useful state for it)
 * and instances are what is described and terminated.
 */
import { ValidationError } from '../../core/errors.js';

export interface AwsAllocationRef {
  region: string;
  instanceIds: string[];
}

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,32}$/;

export function formatProviderId(ref: AwsAllocationRef): string {
  return `${ref.region}:${[...ref.instanceIds].sort().join(',')}`;
}

/** The region and instances of a provider id, or undefined when it is not one of ours. */
export function parseProviderId(id: string): AwsAllocationRef | undefined {
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  const region = id.slice(0, colon);
  const instanceIds = id.slice(colon + 1).split(',');
  if (!REGION_NAME.test(region) || !instanceIds.every((i) => INSTANCE_ID.test(i))) return undefined;
  return { region, instanceIds };
}

/** @throws ValidationError when `id` is not an aws provider id */
export function requireProviderId(id: string): AwsAllocationRef {
  const ref = parseProviderId(id);
  if (!ref) {
    throw new ValidationError([
      { path: 'provider_id', message: `"${id}" is not an aws provider id (<region>:<instance-id>[,…])` },
    ]);
  }
  return ref;
}
