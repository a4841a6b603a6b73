/**
 * The API's routes over a SQLite store opened in this process: how the client commands work on
 * a finished `jobgraph run`'s `.jobgraph/` store without a server. No Redis is opened (no queue
 * dashboard, no notifier): reads and graph changes work; nothing runs jobs until a server does.
 */
import { existsSync } from 'node:fs';
import { createApp } from '../api/app.js';
import { NotFoundError } from '../core/errors.js';
import { openSqliteGraphStore } from '../graph/sqlite/sqlite-graph-store.js';
import type { ApiCall } from './api-client-flags.js';
import { apiRequest } from './api-request.js';

/** A request function answering from the store at `dbPath`. @throws NotFoundError when there is no such file */
export function openLocalApi(dbPath: string): ApiCall {
  // Opening would create an empty store: a mistyped path must say so instead.
  if (!existsSync(dbPath)) throw new NotFoundError('stores', dbPath);
  const store = openSqliteGraphStore(dbPath);
  // Never used: the dashboard (the one Redis user of createApp) is off and no worker registers here.
  const app = createApp({ store, redisUrl: 'redis://127.0.0.1:0', queuePrefix: 'jobgraph', dashboard: false });
  const local = async (url: string, init: RequestInit) => app.fetch(new Request(url, init));
  return <T>(method: string, path: string, body?: unknown) =>
    apiRequest<T>('http://local.store', method, path, body, undefined, local);
}
