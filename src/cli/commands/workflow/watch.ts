/**
 * `jobgraph workflow watch KEY`: live progress of a workflow on a running API until it ends;
 * exits like `run` (0 only when every job completed). Ctrl-C stops watching, not the workflow.
 */
import type { Command } from 'commander';
import { clientFor, withClientFlags, type ClientFlags, type ApiCall } from '../../api-client-flags.js';
import { positiveIntFlag } from '../../flags.js';
import { watchWorkflow } from '../../watch-workflow.js';

export interface WatchFlags {
  interval?: number;
}

/** The `--interval` option shared by `watch` and `submit --watch`. */
export function withWatchInterval(command: Command): Command {
  return command.option('--interval <ms>', 'poll the API every this many milliseconds (default 1000)', positiveIntFlag);
}

/**
 * Watch `key` on `call`'s API, stopping at Ctrl-C; sets the exit status.
 * With `--json`, prints the final state as JSON instead of progress.
 */
export async function watchAndExit(call: ApiCall, key: string, flags: WatchFlags & ClientFlags): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const discard = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
    const outcome = await watchWorkflow(call, key, {
      intervalMs: flags.interval ?? 1000,
      out: flags.json ? discard : process.stdout,
      signal: stop.signal,
    });
    if (flags.json) process.stdout.write(`${JSON.stringify({ workflow: key, ...outcome }, null, 2)}\n`);
    // Stopped by the user: 130, as a shell reports a Ctrl-C.
    process.exitCode = outcome.exitCode ?? 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Add `watch <key>` to the `workflow` command. */
export function addWorkflowWatchCommand(wf: Command): void {
  withWatchInterval(
    withClientFlags(
      wf
        .command('watch <key>')
        .description('show progress until the workflow ends: exit 0 only if every job completed (like run)'),
    ),
  ).action(async (key: string, flags: WatchFlags & ClientFlags) => {
    await watchAndExit(clientFor(flags), key, flags);
  });
}
