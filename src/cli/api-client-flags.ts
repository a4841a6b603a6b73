/**
 * What every client command shares: `--api URL` / `--json` flags, a request function bound to
 * the API (and its token), and paged listing.
 */
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { apiRequest } from './api-request.js';
import { clientToken } from './client-token.js';

export interface ClientFlags {
  api?: string;
  json?: boolean;
}

export type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function withClientFlags(command: Command): Command {
  return command.option('--api <url>', 'API base URL (env JOBGRAPH_API)').option('--json', 'print JSON');
}

/** A request function for the API the flags (or JOBGRAPH_API / JOBGRAPH_TOKEN) name. */
export function clientFor(flags: ClientFlags): ApiCall {
  const config = loadConfig({ JOBGRAPH_API: flags.api });
  return <T>(method: string, path: string, body?: unknown) =>
    apiRequest<T>(config.JOBGRAPH_API, method, path, body, clientToken());
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
