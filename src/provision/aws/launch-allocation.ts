/**
 * Launch one prepared allocation: a launch template for this request, one instant fleet per
 * market attempt until one gives every instance asked for, the template deleted after.
 *
 * All or nothing: a fleet that launched fewer instances than asked has them terminated before
 * the next market is tried, and when a request fails for any reason every instance tagged with
 * the allocation's key is terminated — also those a failed or unanswered call may have
 * launched without saying so.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SubmittedAllocation } from '../provider.js';
import { CAPACITY_ERROR_CODES, ec2Call, errorCode, toCoreError, type ErrorContext } from './aws-errors.js';
import { describeInstances, terminateInstances } from './ec2-lookups.js';
import { ec2Sdk } from './ec2-sdk.js';
import { fleetRequest, launchTemplateName, launchTemplateRequest, readFleetAnswer } from './fleet-request.js';
import { TAG } from './instance-tags.js';
import { launchedDetails } from './launched-details.js';
import type { PreparedRequest } from './prepare-request.js';
import { formatProviderId } from './provider-id.js';

export interface LaunchContext extends ErrorContext {
  client: EC2Client;
  region: string;
  allocation: string;
  logger?: Logger;
}

export async function launchAllocation(ctx: LaunchContext, prepared: PreparedRequest): Promise<SubmittedAllocation> {
  const { client } = ctx;
  const sdk = await ec2Sdk();
  const template = launchTemplateName(ctx.allocation, `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
  await ec2Call({ ...ctx, operation: 'CreateLaunchTemplate' }, () =>
    client.send(
      new sdk.CreateLaunchTemplateCommand(
        launchTemplateRequest({
          name: template,
          settings: prepared.settings,
          userData: prepared.userData,
          tags: prepared.tags,
        }),
      ),
    ),
  );
  const failures: string[] = [];
  try {
    for (const attempt of prepared.plan.attempts) {
      let launched: string[];
      try {
        const answer = await client.send(
          new sdk.CreateFleetCommand(fleetRequest(template, attempt, prepared.nodes, prepared.tags)),
        );
        const outcome = readFleetAnswer(answer);
        launched = outcome.instanceIds;
        if (launched.length >= prepared.nodes) {
          const ids = launched.slice(0, prepared.nodes).sort();
          // An instant fleet never gives more than its target; if it ever did, the rest is not ours to pay for.
          await terminate(ctx, launched.slice(prepared.nodes));
          return {
            provider_id: formatProviderId({ region: ctx.region, instanceIds: ids }),
            details: await launchedDetails(ctx, prepared, attempt.market, ids, answer),
          };
        }
        failures.push(
          `${attempt.market}: ${launched.length} of ${prepared.nodes} instance(s): ` +
            (outcome.errors.join('; ') || 'EC2 gave no reason'),
        );
      } catch (err) {
        const code = errorCode(err);
        if (!code || !CAPACITY_ERROR_CODES.has(code)) throw toCoreError(err, { ...ctx, operation: 'CreateFleet' });
        await cleanUpAllocation(ctx);
        failures.push(`${attempt.market}: ${code}: ${(err as Error).message}`);
        continue;
      }
      await terminate(ctx, launched);
    }
  } catch (err) {
    await cleanUpAllocation(ctx).catch((cleanupErr: unknown) => {
      ctx.logger?.error({ err: cleanupErr, allocation: ctx.allocation }, 'aws: cleaning up a failed request failed');
    });
    throw err;
  } finally {
    await deleteTemplate(ctx, template);
  }
  await cleanUpAllocation(ctx);
  throw new ProviderError(
    `aws scheduler ${ctx.scheduler}: EC2 did not launch ${prepared.nodes} instance(s): ${failures.join(' | ')}`,
    { provider: 'aws', scheduler: ctx.scheduler, failures },
  );
}

async function terminate(ctx: LaunchContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ec2Call({ ...ctx, operation: 'TerminateInstances' }, () => terminateInstances(ctx.client, ids));
}

/** Terminate every instance tagged with the allocation's key that is not terminated yet. */
async function cleanUpAllocation(ctx: LaunchContext): Promise<void> {
  const found = await ec2Call({ ...ctx, operation: 'DescribeInstances' }, () =>
    describeInstances(ctx.client, [
      { Name: `tag:${TAG.allocation}`, Values: [ctx.allocation] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]),
  );
  await terminate(
    ctx,
    found.flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])),
  );
}

async function deleteTemplate(ctx: LaunchContext, name: string): Promise<void> {
  try {
    await ctx.client.send(new (await ec2Sdk()).DeleteLaunchTemplateCommand({ LaunchTemplateName: name }));
  } catch (err) {
    // A leftover template costs nothing and carries the jobgraph tags; the launch is what matters.
    ctx.logger?.warn({ err, template: name }, 'aws: could not delete the launch template of a request');
  }
}
