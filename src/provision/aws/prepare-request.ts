/**
 * Everything one allocation request needs before anything is created, gathered with read-only
 * calls: the AMI's architecture, the candidate instance types of each market, the placements,
 * the live instances a cap counts — then the pure plan, tags and user data. `submit` launches
 * what this returns; `describe` prints it.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ValidationError } from '../../core/errors.js';
import type { AllocationRequest } from '../provider.js';
import { ec2Call, type ErrorContext } from './aws-errors.js';
import { settingsPath, type AwsSettings } from './aws-settings.js';
import {
  describeInstances,
  imageArchitecture,
  LIVE_STATE_FILTER,
  subnetPlacements,
  zonePlacements,
} from './ec2-lookups.js';
import { candidateTypes, type InstanceTypeFacts } from './instance-candidates.js';
import { allocationTags, TAG } from './instance-tags.js';
import type { InstanceTypeCatalog } from './instance-type-catalog.js';
import { marketOrder, planRequest, type Placement, type PurchaseMarket, type RequestPlan } from './request-plan.js';
import { MAX_USER_DATA_BYTES, renderUserData } from './user-data.js';
import type { Tag } from '@aws-sdk/client-ec2';

/** The candidates of each market a scheduler may use, and the AMI architecture they were chosen for. */
export interface SchedulerCandidates {
  architecture: string;
  byMarket: Partial<Record<PurchaseMarket, InstanceTypeFacts[]>>;
}

/**
 * The AMI's architecture. An SSM parameter is resolved by EC2 only at launch, so its
 * architecture is read from its name (AWS's public parameters say it: `…-x86_64`, `…-arm64`).
 * @throws ValidationError when the AMI does not exist in the region
 */
export async function amiArchitecture(client: EC2Client, settings: AwsSettings, ctx: ErrorContext): Promise<string> {
  if (!settings.ami) return /arm64|aarch64/.test(settings.ami_ssm_parameter ?? '') ? 'arm64' : 'x86_64';
  const arch = await ec2Call({ ...ctx, operation: 'DescribeImages' }, () => imageArchitecture(client, settings.ami!));
  if (!arch) {
    throw new ValidationError([
      { path: `${settingsPath(settings)}.ami`, message: `${settings.ami} does not exist in ${ctx.region}` },
    ]);
  }
  return arch;
}

/** Candidate types per market, from the region's types (or the user's list). */
export async function schedulerCandidates(
  client: EC2Client,
  catalog: InstanceTypeCatalog,
  settings: AwsSettings,
  ctx: ErrorContext,
): Promise<SchedulerCandidates> {
  const architecture = await amiArchitecture(client, settings, ctx);
  const types = await ec2Call({ ...ctx, operation: 'DescribeInstanceTypes' }, () =>
    catalog.types(client, ctx.region ?? '', { names: settings.instance_types, architecture }),
  );
  const byMarket: SchedulerCandidates['byMarket'] = {};
  for (const market of marketOrder(settings.market)) {
    byMarket[market] = candidateTypes(types, {
      need: settings,
      allowed: settings.instance_types,
      architecture,
      usage_class: market,
    });
  }
  return { architecture, byMarket };
}

export interface PreparedRequest {
  settings: AwsSettings;
  nodes: number;
  plan: RequestPlan;
  tags: Tag[];
  userData: string;
}

/**
 * Gather and plan one request.
 * @throws ValidationError (bad settings, user data too long), ProviderError (a cap refuses it)
 */
export async function prepareRequest(
  client: EC2Client,
  catalog: InstanceTypeCatalog,
  settings: AwsSettings,
  request: AllocationRequest,
  ctx: ErrorContext,
): Promise<PreparedRequest> {
  const nodes = request.nodes ?? settings.nodes;
  const candidates = await schedulerCandidates(client, catalog, settings, ctx);
  const placements = await requestPlacements(client, settings, request, ctx);
  const liveInstances =
    settings.max_instances === undefined
      ? 0
      : (
          await ec2Call({ ...ctx, operation: 'DescribeInstances' }, () =>
            describeInstances(client, [{ Name: `tag:${TAG.scheduler}`, Values: [settings._key] }, LIVE_STATE_FILTER]),
          )
        ).length;
  const plan = planRequest({
    settings,
    nodes,
    candidates: {
      spot: (candidates.byMarket.spot ?? []).map((t) => t.name),
      'on-demand': (candidates.byMarket['on-demand'] ?? []).map((t) => t.name),
    },
    placements,
    avoid: request.avoid,
    liveInstances,
  });
  const walltime_s = request.walltime_s ?? settings.walltime_s;
  const tags = allocationTags({
    workflow: request.workflow,
    allocation: request.allocation,
    schedulerKey: settings._key,
    schedulerName: settings.name,
    walltime_s,
  });
  const userData = renderUserData({ request, settings: { ...settings, walltime_s } });
  if (Buffer.byteLength(userData, 'utf8') > MAX_USER_DATA_BYTES) {
    throw new ValidationError([
      {
        path: `${settingsPath(settings)}.user_data_template`,
        message: `the user data is ${Buffer.byteLength(userData, 'utf8')} bytes; EC2 takes at most ${MAX_USER_DATA_BYTES}`,
      },
    ]);
  }
  return { settings, nodes, plan, tags, userData };
}

/**
 * The subnets (with their zones) when the scheduler names them; else the region's zones when
 * some zone is to be avoided (an override per zone is how a zone is left out); else anywhere.
 */
async function requestPlacements(
  client: EC2Client,
  settings: AwsSettings,
  request: AllocationRequest,
  ctx: ErrorContext,
): Promise<Placement[]> {
  if (settings.subnets) {
    return ec2Call({ ...ctx, operation: 'DescribeSubnets' }, () => subnetPlacements(client, settings.subnets!));
  }
  if (request.avoid?.some((a) => a.zone !== undefined)) {
    return ec2Call({ ...ctx, operation: 'DescribeAvailabilityZones' }, () => zonePlacements(client));
  }
  return [{}];
}
