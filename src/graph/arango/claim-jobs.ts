/**
 * claimReady and listQueued on ArangoDB, mirroring sqlite/claim-jobs.ts: the scheduler's
 * claims and reads of jobs for the queues, each one AQL query.
 */
import type { ClaimedJob } from '../graph-store.js';
import type { ArangoContext } from './arango-context.js';
import { claimReadyQuery, listQueuedQuery } from './queries/claim-ready.js';

export async function claimReady(ctx: ArangoContext, limit: number, workflow?: string): Promise<ClaimedJob[]> {
  if (!(limit > 0)) return [];
  return ctx.run.all(claimReadyQuery(Math.floor(limit), new Date().toISOString(), workflow));
}

export async function listQueued(ctx: ArangoContext, olderThan: string, limit: number): Promise<ClaimedJob[]> {
  if (!(limit > 0)) return [];
  return ctx.run.all(listQueuedQuery(olderThan, Math.floor(limit)));
}
