/**
 * What every client command shares: `--api URL` / `--db PATH` / `--json` flags, a request
 * function bound to the API (and its token), and paged listing.
 *
 * Without a server: `--db PATH` answers from that SQLite store in this process (the same routes,
 * src/cli/local-api.ts). And when no API answers and the default store of this directory exists
 * (what `jobgraph run` leaves in `./.jobgraph/`), the command says so on stderr and reads that
 * store, so `workflow status|jobs|results|events` and `logs` work after `run` has ended.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { UnavailableError } from '../core/errors.js';
import { apiRequest } from './api-request.js';
import { clientToken } from './client-token.js';

export interface ClientFlags {
  api?: string;
  db?: string;
  json?: boolean;
}

export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function withClientFlags(command: Command): Command {
  return command
    .option('--api <url>', 'API base URL (env JOBGRAPH_API)')
    .option('--db <path>', "no server: use this SQLite store directly (e.g. a finished run's .jobgraph/graph.sqlite)")
    .option('--json', 'print JSON');
}

/** The same routes over a local SQLite store, loaded only when used (the client commands start fast without it). */
function localCall(dbPath: string): ApiCall {
  const opened = import('./local-api.js').then(({ openLocalApi }) => openLocalApi(dbPath));
  return async <T>(method: string, path: string, body?: unknown) => (await opened)<T>(method, path, body);
}

/** A request function for the API the flags (or JOBGRAPH_API / JOBGRAPH_TOKEN) name, or the local store (see top). */
export function clientFor(flags: ClientFlags): ApiCall {
  const config = loadConfig({ JOBGRAPH_API: flags.api, JOBGRAPH_DB: flags.db });
  if (flags.db !== undefined) return localCall(config.JOBGRAPH_DB);
  let local: ApiCall | undefined;
  return async <T>(method: string, path: string, body?: unknown) => {
    if (local) return local<T>(method, path, body);
    try {
      return await apiRequest<T>(config.JOBGRAPH_API, method, path, body, clientToken());
    } catch (err) {
      // An explicit --api that does not answer is an error, not a reason to show other data.
      if (!(err instanceof UnavailableError) || flags.api !== undefined || !existsSync(config.JOBGRAPH_DB)) throw err;
      process.stderr.write(`note: no API at ${config.JOBGRAPH_API}; reading the local store ${config.JOBGRAPH_DB}\n`);
      local = localCall(config.JOBGRAPH_DB);
      return local<T>(method, path, body);
    }
  };
}

/** Every item of a paged list (the API caps a page at 10,000). */
export async function listAll<T>(call: ApiCall, path: string): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call<{ items: T[]; total: number }>('GET', `${path}${sep}offset=${items.length}&limit=10000`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/** Print JSON with `--json`, else the human form. */
export function emit(flags: ClientFlags, value: unknown, human: () => string): void {
  process.stdout.write(flags.json ? JSON.stringify(value, null, 2) + '\n' : human());
}
