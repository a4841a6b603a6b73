/**
 * claimReady and listQueued: the scheduler's reads and claims of jobs for the queues.
 * Both run on the status indexes; neither reads job JSON.
 */
import type { ClaimedJob } from '../graph-store.js';
import { resourceLookup } from './job-resources.js';
import type { SqliteContext } from './sqlite-context.js';

interface ClaimRow {
  _key: string;
  workflow: string;
  name: string;
  attempt: number;
}

function withResources(ctx: SqliteContext, rows: ClaimRow[]): ClaimedJob[] {
  const resourcesOf = resourceLookup(ctx);
  return rows.map((r) => ({
    workflow: r.workflow,
    job: r._key,
    name: r.name,
    attempt: r.attempt,
    resources: resourcesOf(r._key),
  }));
}

const CLAIM = (scope: string) => `
  UPDATE jobs SET status = 'queued', queued_at = @now,
    doc = json_set(doc, '$.status', 'queued', '$.queued_at', @now)
  WHERE _key IN (SELECT _key FROM jobs WHERE status = 'ready'${scope} LIMIT @limit)
  RETURNING _key, workflow, name, attempt`;

export function claimReady(ctx: SqliteContext, limit: number, workflow?: string): ClaimedJob[] {
  if (!(limit > 0)) return [];
  const now = new Date().toISOString();
  return ctx.write(() => {
    const rows = (
      workflow === undefined
        ? ctx.stmt(CLAIM('')).all({ now, limit: Math.floor(limit) })
        : ctx.stmt(CLAIM(' AND workflow = @workflow')).all({ now, limit: Math.floor(limit), workflow })
    ) as ClaimRow[];
    return withResources(ctx, rows);
  });
}

export function listQueued(ctx: SqliteContext, olderThan: string, limit: number): ClaimedJob[] {
  if (!(limit > 0)) return [];
  return ctx.read(() => {
    const rows = ctx
      .stmt(
        `SELECT _key, workflow, name, attempt FROM jobs
         WHERE status = 'queued' AND queued_at < ? ORDER BY queued_at LIMIT ?`,
      )
      .all(olderThan, Math.floor(limit)) as ClaimRow[];
    return withResources(ctx, rows);
  });
}
