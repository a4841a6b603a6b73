/**
 * `describe` for `aws`: the requests `submit` would send, as AWS CLI commands a person can read
 * and run (`--cli-input-json` takes the API's own shapes), with the worker token redacted.
 */
import type { AllocationRequest } from '../provider.js';
import { fleetRequest, launchTemplateName, launchTemplateRequest } from './fleet-request.js';
import type { PreparedRequest } from './prepare-request.js';
import { shellQuote } from '../shell-words.js';
import { redactToken } from './user-data.js';

export function describeRequest(region: string, request: AllocationRequest, prepared: PreparedRequest): string {
  const token = request.worker.token;
  const userData = redactToken(prepared.userData, token);
  const template = launchTemplateName(request.allocation, '<unique>');
  const templateInput = launchTemplateRequest({
    name: template,
    settings: prepared.settings,
    userData,
    tags: prepared.tags,
  });
  const cli = (command: string, input: unknown) =>
    `aws ec2 ${command} --region ${region} --cli-input-json ${shellQuote(JSON.stringify(input, null, 2))}`;
  const lines = [
    `# aws scheduler ${prepared.settings.name}: ${prepared.nodes} instance(s) for allocation ${request.allocation}`,
    `# markets, in order: ${prepared.plan.attempts.map((a) => `${a.market} (${a.pools.length} pools)`).join(', ')}`,
    '# the user data script (base64 in the launch template):',
    ...userData.split('\n').map((l) => `#   ${l}`),
    cli('create-launch-template', templateInput),
  ];
  prepared.plan.attempts.forEach((attempt, i) => {
    if (i > 0) lines.push(`# only if the ${prepared.plan.attempts[i - 1]!.market} request launched too few:`);
    lines.push(cli('create-fleet', fleetRequest(template, attempt, prepared.nodes, prepared.tags)));
  });
  lines.push(`aws ec2 delete-launch-template --region ${region} --launch-template-name ${shellQuote(template)}`);
  return `${lines.join('\n')}\n`;
}
