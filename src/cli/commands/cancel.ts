/**
 * `jobgraph workflow cancel WORKFLOW` and `jobgraph job cancel WORKFLOW JOB` (names or keys): ask a running API
 * (`--api URL` or JOBGRAPH_API) to cancel; print what changed, or JSON with `--json`.
 */
import { Command } from 'commander';
import { plural } from '../../core/plural.js';
import { clientFor, withClientFlags as withFlags, type ClientFlags as CancelFlags } from '../api-client-flags.js';

/** The API's answer to a cancel request (see src/api/cancel/cancel-schema.ts). */
interface CancelAnswer {
  canceled: string[];
  running: Array<{ job: string; attempt: number }>;
  queued: Array<{ job: string; attempt: number }>;
  newly_ready: number;
}

async function cancel(flags: CancelFlags, path: string, human: (a: CancelAnswer) => string): Promise<void> {
  const answer = await clientFor(flags)<CancelAnswer>('POST', path);
  process.stdout.write(flags.json ? JSON.stringify(answer, null, 2) + '\n' : human(answer));
}

/** Add `cancel <key>` to the `workflow` command. */
export function addWorkflowCancelCommand(wf: Command): void {
  withFlags(
    wf.command('cancel <key>').description('cancel every unfinished job; running ones are terminated on their workers'),
  ).action(async (key: string, flags: CancelFlags) => {
    await cancel(
      flags,
      `/workflows/${encodeURIComponent(key)}/cancel`,
      (a) =>
        `canceled ${key}: ${plural(a.canceled.length, 'job')} canceled (${a.running.length} running terminated, ` +
        `${a.queued.length} removed from queues)\n`,
    );
  });
}

/** `jobgraph job cancel WORKFLOW JOB`. */
export function jobCommand(): Command {
  const job = new Command('job').description('act on one job through the API');
  withFlags(
    job
      .command('cancel <workflow> <job>')
      .description('cancel a job (terminating it if running) and, per cancel_on_blocking_job_failure, its dependents'),
  ).action(async (workflow: string, key: string, flags: CancelFlags) => {
    await cancel(flags, `/workflows/${encodeURIComponent(workflow)}/jobs/${encodeURIComponent(key)}/cancel`, (a) => {
      const dependents = a.canceled.slice(1);
      return (
        `canceled ${key}${a.running.length ? ' (terminated while running)' : ''}` +
        (dependents.length ? `; dependents canceled: ${dependents.join(', ')}` : '') +
        (a.newly_ready ? `; ${a.newly_ready} dependents now ready` : '') +
        '\n'
      );
    });
  });
  return job;
}
