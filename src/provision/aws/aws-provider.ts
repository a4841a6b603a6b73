/**
 * The `aws` compute provider: an allocation is `nodes` EC2 instances launched in one instant
 * fleet request (Spot, on-demand, or Spot then on-demand), tagged with the workflow, scheduler
 * and allocation, each running one jobgraph worker that ends its instance when it exits.
 *
 * Provider id: `<region>:<instance-id>[,<instance-id>…]` (provider-id.ts).
 *
 * Configuration is the SDK's own: AWS_REGION / AWS_PROFILE / AWS_ACCESS_KEY_ID… and
 * AWS_ENDPOINT_URL_EC2 (which is how the tests point it at moto); a scheduler's `region` and
 * the options below override the region.
 */
import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import type { Logger } from '../../core/logger.js';
import type { SchedulerDoc } from '../../core/model.js';
import type {
  AllocationRequest,
  AllocationStatus,
  ComputeProvider,
  NodeShape,
  SubmittedAllocation,
} from '../provider.js';
import { ec2Call } from './aws-errors.js';
import { parseAwsSettings, type AwsSettings } from './aws-settings.js';
import { describeRequest } from './describe-request.js';
import { createEc2Client, describeInstances, terminateInstances } from './ec2-lookups.js';
import { ec2Sdk } from './ec2-sdk.js';
import { guaranteedShape } from './instance-candidates.js';
import { InstanceTypeCatalog } from './instance-type-catalog.js';
import { allocationStatus, viewInstance, type InstanceView } from './instance-state.js';
import { TAG } from './instance-tags.js';
import { launchAllocation } from './launch-allocation.js';
import { prepareRequest, schedulerCandidates } from './prepare-request.js';
import { formatProviderId, parseProviderId, requireProviderId } from './provider-id.js';
import { validateAwsScheduler } from './validate-scheduler.js';

export interface AwsProviderOptions {
  /** Region for schedulers that name none. @default the SDK's (AWS_REGION, the profile) */
  region?: string;
  /** Attempts per EC2 call, retries of throttling and transient failures included. @default 5 */
  maxAttempts?: number;
  /** Warnings the provider recovers from (a launch template left behind, a price it could not read). */
  logger?: Logger;
}

/** EC2 filters take at most 200 values each. */
const FILTER_VALUES = 200;

export class AwsProvider implements ComputeProvider {
  readonly type = 'aws' as const;
  private readonly clients = new Map<string, EC2Client>();
  /** Every region this provider has worked in: where `list` looks. */
  private readonly regions = new Set<string>();
  private readonly catalog = new InstanceTypeCatalog();
  private closed = false;

  constructor(private readonly options: AwsProviderOptions = {}) {}

  async validate(scheduler: SchedulerDoc): Promise<void> {
    const settings = parseAwsSettings(scheduler);
    const home = await this.regionClient();
    const target = settings.region ? await this.regionClient(settings.region, settings) : home;
    await validateAwsScheduler(
      { home: home.client, scheduler: target.client, region: target.region, catalog: this.catalog },
      settings,
    );
  }

  async nodeShape(scheduler: SchedulerDoc): Promise<NodeShape> {
    const settings = parseAwsSettings(scheduler);
    const { client, region } = await this.regionClient(settings.region, settings);
    const { byMarket } = await schedulerCandidates(client, this.catalog, settings, {
      scheduler: settings.name,
      operation: '',
      region,
    });
    // The first market is where most allocations land; its candidates bound what a node offers.
    return guaranteedShape(Object.values(byMarket)[0] ?? []);
  }

  async describe(request: AllocationRequest): Promise<string> {
    const settings = parseAwsSettings(request.scheduler);
    const { client, region } = await this.regionClient(settings.region, settings);
    const prepared = await prepareRequest(client, this.catalog, settings, request, {
      scheduler: settings.name,
      operation: '',
      region,
    });
    return describeRequest(region, request, prepared);
  }

  async submit(request: AllocationRequest): Promise<SubmittedAllocation> {
    const settings = parseAwsSettings(request.scheduler);
    const { client, region } = await this.regionClient(settings.region, settings);
    const ctx = { scheduler: settings.name, operation: '', region };
    const prepared = await prepareRequest(client, this.catalog, settings, request, ctx);
    return launchAllocation({ ...ctx, client, allocation: request.allocation, logger: this.options.logger }, prepared);
  }

  async status(providerIds: string[]): Promise<Map<string, AllocationStatus>> {
    const out = new Map<string, AllocationStatus>();
    const byRegion = new Map<string, Array<{ id: string; instanceIds: string[] }>>();
    for (const id of providerIds) {
      const ref = parseProviderId(id);
      if (!ref) {
        out.set(id, { provider_id: id, state: 'ended', reason: 'unknown', message: 'not an aws provider id' });
        continue;
      }
      byRegion.set(ref.region, [...(byRegion.get(ref.region) ?? []), { id, instanceIds: ref.instanceIds }]);
    }
    for (const [region, refs] of byRegion) {
      const views = await this.instancesById(
        region,
        refs.flatMap((r) => r.instanceIds),
      );
      for (const ref of refs) out.set(ref.id, allocationStatus(ref.id, ref.instanceIds, views));
    }
    return out;
  }

  async list(filter: { workflow?: string } = {}): Promise<AllocationStatus[]> {
    const home = await this.regionClient();
    const out: AllocationStatus[] = [];
    for (const region of new Set([home.region, ...this.regions])) {
      const { client } = await this.regionClient(region);
      const filters: Filter[] = [{ Name: `tag:${TAG.marker}`, Values: ['true'] }];
      if (filter.workflow) filters.push({ Name: `tag:${TAG.workflow}`, Values: [filter.workflow] });
      // All states, not only live ones: an allocation whose first instance ended is still
      // listed with every id it was submitted with, so its provider id matches submit's.
      const instances = await ec2Call({ operation: 'DescribeInstances', region }, () =>
        describeInstances(client, filters),
      );
      const groups = new Map<string, InstanceView[]>();
      for (const view of instances.map(viewInstance)) {
        const key = view.allocation ?? view.id;
        groups.set(key, [...(groups.get(key) ?? []), view]);
      }
      for (const views of groups.values()) {
        if (!views.some((v) => v.state !== 'ended')) continue;
        const ids = views.map((v) => v.id);
        out.push(allocationStatus(formatProviderId({ region, instanceIds: ids }), ids, views));
      }
    }
    return out;
  }

  async cancel(providerId: string): Promise<void> {
    const ref = requireProviderId(providerId);
    const { client } = await this.regionClient(ref.region);
    await ec2Call({ operation: 'TerminateInstances', region: ref.region }, () =>
      terminateInstances(client, ref.instanceIds),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of new Set(this.clients.values())) client.destroy();
    this.clients.clear();
  }

  private async instancesById(region: string, instanceIds: string[]): Promise<InstanceView[]> {
    const { client } = await this.regionClient(region);
    const views: InstanceView[] = [];
    for (let i = 0; i < instanceIds.length; i += FILTER_VALUES) {
      const chunk = instanceIds.slice(i, i + FILTER_VALUES);
      const found = await ec2Call({ operation: 'DescribeInstances', region }, () =>
        describeInstances(client, [{ Name: 'instance-id', Values: chunk }]),
      );
      views.push(...found.map(viewInstance));
    }
    return views;
  }

  /** The client of `region` (default: the options', else the SDK's), made once, and the region's name. */
  private async regionClient(
    region?: string,
    settings?: Pick<AwsSettings, 'name'>,
  ): Promise<{ client: EC2Client; region: string }> {
    // Loaded before the look-up, so that finding and making the client stay one synchronous step.
    const sdk = await ec2Sdk();
    const key = region ?? this.options.region ?? '';
    let client = this.clients.get(key);
    if (!client) {
      client = createEc2Client(sdk, { region: key || undefined, maxAttempts: this.options.maxAttempts ?? 5 });
      this.clients.set(key, client);
    }
    const resolved =
      key ||
      (await ec2Call({ scheduler: settings?.name, operation: 'resolving the region' }, () => client.config.region()));
    if (!this.clients.has(resolved)) this.clients.set(resolved, client);
    this.regions.add(resolved);
    return { client, region: resolved };
  }
}
