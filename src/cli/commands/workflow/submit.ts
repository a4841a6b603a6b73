/**
 * `jobgraph workflow submit SPEC [--watch]`: create + start in one command, as `run` does
 * for the embedded mode, against a running API; `--watch` then follows it to its end.
 */
import type { Command } from 'commander';
import { plural } from '../../../core/plural.js';
import { clientFor, withClientFlags, type ClientFlags } from '../../api-client-flags.js';
import { printSpecWarnings } from '../../spec-warnings.js';
import { watchAndExit, withWatchInterval, type WatchFlags } from './watch.js';

type SubmitFlags = ClientFlags & WatchFlags & { watch?: boolean };

/** Add `submit <spec>` to the `workflow` command. */
export function addWorkflowSubmitCommand(wf: Command): void {
  withWatchInterval(
    withClientFlags(
      wf.command('submit <spec>').description('create a workflow from a spec and start it (create + start)'),
    ).option('--watch', 'then watch it to its end (exit status as run)'),
  ).action(async (spec: string, flags: SubmitFlags) => {
    const call = clientFor(flags);
    const { loadSpecFile } = await import('../../../workflow-spec/index.js'); // loaded on use, as in `create`
    const body = await loadSpecFile(spec);
    const doc = await call<{ _key: string; name: string; warnings?: string[] }>('POST', '/workflows', body);
    printSpecWarnings(doc.warnings);
    // Said before starting: if the start fails, the user knows which workflow to start again.
    // The count is the store's: parameter sweeps are expanded by then.
    if (!flags.json) {
      const { total } = await call<{ total: number }>('GET', `/workflows/${encodeURIComponent(doc._key)}/status`);
      process.stdout.write(`workflow ${doc._key} (${doc.name}) created: ${plural(total, 'job')}\n`);
    }
    const started = await call<{ ready?: number; blocked?: number }>(
      'POST',
      `/workflows/${encodeURIComponent(doc._key)}/start`,
    );
    if (flags.watch) {
      if (!flags.json)
        process.stdout.write(`started: ${started.ready ?? '?'} ready, ${started.blocked ?? '?'} blocked\n`);
      await watchAndExit(call, doc._key, flags);
      return;
    }
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ workflow: doc._key, name: doc.name, ...started, warnings: doc.warnings ?? [] }, null, 2)}\n`
        : `started: ${started.ready ?? '?'} ready, ${started.blocked ?? '?'} blocked (jobgraph workflow watch ${doc._key})\n`,
    );
  });
}
