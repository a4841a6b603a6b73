/**
 * `jobgraph workflow events KEY [--follow]`: the workflow's events, oldest first, one line each
 * (JSON lines with `--json`). `--follow` keeps polling the events list for new ones until
 * Ctrl-C; the list is in insertion order (event keys sort so), so the count already printed is
 * the cursor. A user deleting events while following would make it skip as many.
 */
import type { Command } from 'commander';
import type { EventDoc } from '../../../core/model.js';
import { clientFor, listAll, withClientFlags, type ApiCall, type ClientFlags } from '../../api-client-flags.js';
import { positiveIntFlag } from '../../flags.js';
import { formatEvent } from '../../format-event.js';

type EventsFlags = ClientFlags & { follow?: boolean; type?: string; interval?: number };

function print(flags: EventsFlags, events: EventDoc[]): void {
  for (const e of events) process.stdout.write(flags.json ? `${JSON.stringify(e)}\n` : `${formatEvent(e)}\n`);
}

/** New events after the first `seen`, polling every `intervalMs` until `signal` aborts. */
async function follow(call: ApiCall, path: string, flags: EventsFlags, signal: AbortSignal): Promise<void> {
  let seen = (await listAll<EventDoc>(call, path).then((all) => (print(flags, all), all))).length;
  while (!signal.aborted) {
    await new Promise<void>((done) => {
      const timer = setTimeout(done, flags.interval ?? 1000);
      signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
    });
    if (signal.aborted) return;
    const sep = path.includes('?') ? '&' : '?';
    const page = await call<{ items: EventDoc[] }>('GET', `${path}${sep}offset=${seen}&limit=10000`);
    print(flags, page.items);
    seen += page.items.length;
  }
}

/** Add `events <key>` to the `workflow` command. */
export function addWorkflowEventsCommand(wf: Command): void {
  withClientFlags(wf.command('events <key>').description("the workflow's events, oldest first"))
    .option('-f, --follow', 'keep printing new events until Ctrl-C')
    .option('--type <type>', 'only events of this type (e.g. job_canceled, workflow_finished)')
    .option('--interval <ms>', '--follow: poll every this many milliseconds (default 1000)', positiveIntFlag)
    .action(async (key: string, flags: EventsFlags) => {
      const call = clientFor(flags);
      const filter = flags.type ? `?type=${encodeURIComponent(flags.type)}` : '';
      const path = `/workflows/${encodeURIComponent(key)}/events${filter}`;
      if (!flags.follow) {
        print(flags, await listAll<EventDoc>(call, path));
        return;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await follow(call, path, flags, stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
