/** `jobgraph workflow delete KEY`: remove a workflow with every document and edge of it. */
import type { Command } from 'commander';
import { clientFor, emit, withClientFlags, type ClientFlags } from '../../api-client-flags.js';

/** Add `delete <key>` to the `workflow` command. */
export function addWorkflowDeleteCommand(wf: Command): void {
  withClientFlags(
    wf
      .command('delete <key>')
      .description('delete a workflow and everything recorded about it (jobs, results, events)'),
  ).action(async (key: string, flags: ClientFlags) => {
    await clientFor(flags)('DELETE', `/workflows/${encodeURIComponent(key)}`);
    emit(flags, { deleted: key }, () => `deleted ${key}\n`);
  });
}
