/**
 * The script an instance runs at first boot (EC2 user data, run as root by cloud-init): start
 * one jobgraph worker for the allocation, then shut the instance down when the worker exits.
 * The instances are launched with shutdown behaviour `terminate`, so an idle worker that exits
 * ends its instance and its bill; a lifetime cap (`walltime_s`) is a scheduled shutdown.
 *
 * The worker sizes itself to the instance (no --cpus/--mem): the fleet may pick any of several
 * instance types, and only the machine knows which it got. With `--imds` it records the
 * instance's id, type, zone and market on its compute node and watches the metadata service
 * for Spot interruption notices and rebalance recommendations.
 */
import { ValidationError } from '../../core/errors.js';
import type { AllocationRequest } from '../provider.js';
import { shellJoin, shellQuote } from '../shell-words.js';
import { workerEnvironment, workerStartArgs } from '../worker-args.js';
import type { AwsSettings } from './aws-settings.js';

/** Placeholders a `user_data_template` may use; each is replaced by one shell-quoted word (or command line). */
export const TEMPLATE_PLACEHOLDERS = ['api_url', 'token', 'workflow', 'allocation', 'worker_command'] as const;

/** EC2 takes at most 16 KiB of user data (before base64). */
export const MAX_USER_DATA_BYTES = 16 * 1024;

/**
 * The worker's argv for one allocation: `<command…> worker start …` as every provider builds it
 * (worker-args.ts), sized by nothing (the instance decides), with the scheduler's
 * `idle_timeout_s` when the launch sets no idle exit, and `--imds` last: the worker reads the
 * instance's identity from the metadata service and watches it for Spot notices.
 */
export function workerArgv(request: AllocationRequest, settings: Pick<AwsSettings, 'idle_timeout_s'>): string[] {
  const idleExitS = request.worker.idleExitS ?? settings.idle_timeout_s;
  const launch = { ...request, worker: { ...request.worker, ...(idleExitS !== undefined && { idleExitS }) } };
  return [...request.worker.command, ...workerStartArgs(launch), '--imds'];
}

export interface UserDataInput {
  request: AllocationRequest;
  settings: Pick<AwsSettings, 'idle_timeout_s' | 'user_data_template' | 'walltime_s'>;
}

/** The user data script, as text (the caller base64-encodes it). */
export function renderUserData({ request, settings }: UserDataInput): string {
  const command = shellJoin(workerArgv(request, settings));
  const script = settings.user_data_template
    ? fillTemplate(settings.user_data_template, {
        api_url: shellQuote(request.worker.apiUrl),
        token: shellQuote(request.worker.token ?? ''),
        workflow: shellQuote(request.workflow),
        allocation: shellQuote(request.allocation),
        worker_command: command,
      })
    : defaultScript(request, settings.walltime_s ?? request.walltime_s, command);
  return script;
}

function fillTemplate(template: string, values: Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>): string {
  // Only the known names: a bash `${HOME}` elsewhere in the template stays as written.
  return template.replace(/\{(api_url|token|workflow|allocation|worker_command)\}/g, (_, name: string) => {
    return values[name as keyof typeof values];
  });
}

function defaultScript(request: AllocationRequest, walltimeS: number | undefined, command: string): string {
  const w = request.worker;
  const lines = [
    '#!/bin/bash',
    `# jobgraph: one worker for allocation ${request.allocation} of workflow ${request.workflow}.`,
    '# The instance shuts down (and, launched with shutdown behaviour terminate, ends) when the worker exits.',
    'set -u',
    'exec >>/var/log/jobgraph-worker.log 2>&1',
  ];
  if (walltimeS !== undefined) {
    // `shutdown +M` counts whole minutes; rounding down keeps the cap a cap.
    lines.push(`shutdown -h +${Math.max(1, Math.floor(walltimeS / 60))} 'jobgraph: walltime reached'`);
  }
  for (const [name, value] of Object.entries(workerEnvironment(request))) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValidationError([{ path: `worker.env.${name}`, message: 'is not a shell variable name' }]);
    }
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(`mkdir -p ${shellQuote(w.cwd)} && cd ${shellQuote(w.cwd)}`, command, 'shutdown -h now', '');
  return lines.join('\n');
}

/** The script with the token replaced by `<token>`: for `describe` and logs. */
export function redactToken(script: string, token: string | undefined): string {
  return token ? script.replaceAll(token, '<token>') : script;
}
