/**
 * `validate` for `aws` schedulers: the settings' shape (aws-settings.ts), then what only EC2
 * can tell — that the region, instance types, AMI, subnets and security groups exist, and that
 * some instance type fits the node asked for — all reported at once, each problem at its
 * `aws_schedulers.NAME.field` path. Read-only calls only.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import { ec2Call, errorCode, type ErrorContext } from './aws-errors.js';
import { settingsPath, type AwsSettings } from './aws-settings.js';
import { checkSecurityGroups, regionNames, subnetPlacements } from './ec2-lookups.js';
import type { InstanceTypeCatalog } from './instance-type-catalog.js';
import { schedulerCandidates } from './prepare-request.js';

export interface ValidationClients {
  /** A client of the region the provider runs in by default (DescribeRegions works from any). */
  home: EC2Client;
  /** A client of the scheduler's region. */
  scheduler: EC2Client;
  region: string;
  catalog: InstanceTypeCatalog;
}

/** @throws ValidationError listing every problem found */
export async function validateAwsScheduler(clients: ValidationClients, settings: AwsSettings): Promise<void> {
  const at = (field: string) => `${settingsPath(settings)}.${field}`;
  const ctx: ErrorContext = { scheduler: settings.name, operation: '', region: clients.region };
  const issues: FieldIssue[] = [];

  if (settings.region) {
    const regions = await ec2Call({ ...ctx, operation: 'DescribeRegions' }, () => regionNames(clients.home));
    if (!regions.includes(settings.region)) {
      // Nothing else can be checked in a region that does not exist.
      throw new ValidationError([{ path: at('region'), message: `${settings.region} is not an AWS region` }]);
    }
  }
  const client = clients.scheduler;
  if (settings.instance_types) {
    const known = new Set(
      (
        await ec2Call({ ...ctx, operation: 'DescribeInstanceTypes' }, () =>
          clients.catalog.types(client, clients.region, { names: settings.instance_types }),
        )
      ).map((t) => t.name),
    );
    settings.instance_types.forEach((t, i) => {
      if (!known.has(t))
        issues.push({ path: at(`instance_types[${i}]`), message: `${t} is not sold in ${clients.region}` });
    });
  }
  await collect(issues, () => fitIssues(client, clients.catalog, settings, ctx));
  if (settings.subnets) {
    await collect(issues, async () =>
      notFound(ctx, 'DescribeSubnets', 'InvalidSubnetID.', at('subnets'), () =>
        subnetPlacements(client, settings.subnets!),
      ),
    );
  }
  if (settings.security_groups?.length) {
    await collect(issues, async () =>
      notFound(ctx, 'DescribeSecurityGroups', 'InvalidGroup.', at('security_groups'), () =>
        checkSecurityGroups(client, settings.security_groups!),
      ),
    );
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Whether some type fits on some market of the scheduler (a fallback market without any is
 * skipped by the plan, not an error); an unknown AMI is reported here too (its architecture
 * picks the types).
 */
async function fitIssues(
  client: EC2Client,
  catalog: InstanceTypeCatalog,
  settings: AwsSettings,
  ctx: ErrorContext,
): Promise<FieldIssue[]> {
  const { architecture, byMarket } = await schedulerCandidates(client, catalog, settings, ctx);
  const empty = Object.entries(byMarket).flatMap(([market, types]) => (types.length === 0 ? [market] : []));
  if (empty.length < Object.keys(byMarket).length) return [];
  const field = settings.instance_types
    ? 'instance_types'
    : settings.min_gpus
      ? 'min_gpus'
      : settings.min_memory_bytes
        ? 'min_memory_bytes'
        : 'min_cpus';
  return [
    {
      path: `${settingsPath(settings)}.${field}`,
      message:
        `no ${settings.instance_types ? 'listed ' : ''}instance type on the ${empty.join(' or ')} market in ` +
        `${ctx.region} runs ${architecture} with at least ${settings.min_cpus ?? 1} vCPUs, ` +
        `${Math.ceil((settings.min_memory_bytes ?? 0) / 1024 ** 2)} MiB and ${settings.min_gpus ?? 0} GPUs`,
    },
  ];
}

/** Run a check that throws a ValidationError; keep its issues and go on. */
async function collect(issues: FieldIssue[], check: () => Promise<FieldIssue[] | void>): Promise<void> {
  try {
    issues.push(...((await check()) ?? []));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    issues.push(...err.issues);
  }
}

/** An EC2 `…NotFound` answer as a field issue; other failures thrown as core errors. */
async function notFound(
  ctx: ErrorContext,
  operation: string,
  codePrefix: string,
  path: string,
  call: () => Promise<unknown>,
): Promise<FieldIssue[]> {
  try {
    await call();
    return [];
  } catch (err) {
    if (errorCode(err)?.startsWith(codePrefix)) return [{ path, message: (err as Error).message }];
    return ec2Call({ ...ctx, operation }, () => Promise.reject(err));
  }
}
