/**
 * Reads of one job inside an operation's transaction: the lifecycle view the shared rules
 * decide on (../attempt-admission.ts) and the whole document.
 */
import { executedEdgeKey } from '../../core/keys.js';
import type { AttemptJobView } from '../attempt-admission.js';
import type { SqliteContext } from './sqlite-context.js';

/**
 * The job's lifecycle fields, or undefined when it does not exist. Hot columns only: the
 * document is parsed for `canceled_from` only when the job is canceled (every start and
 * completion reads this, and most jobs are not).
 */
export function readJobState(ctx: SqliteContext, job: string): AttemptJobView | undefined {
  const row = ctx.stmt('SELECT workflow, status, attempt FROM jobs WHERE _key = ?').get(job) as
    AttemptJobView | undefined;
  if (row?.status !== 'canceled') return row;
  const from = ctx.stmt("SELECT json_extract(doc, '$.canceled_from') AS v FROM jobs WHERE _key = ?").get(job) as {
    v: string | null;
  };
  return from.v === null ? row : { ...row, canceled_from: from.v };
}

/** The job's document; the caller knows it exists. */
export function readJobDoc(ctx: SqliteContext, job: string): Record<string, unknown> {
  const row = ctx.stmt('SELECT doc FROM jobs WHERE _key = ?').get(job) as { doc: string };
  return JSON.parse(row.doc) as Record<string, unknown>;
}

/** The `_from` (a compute node `_id`) of the attempt's `executed` edge, or undefined when it has none. */
export function readExecutedFrom(ctx: SqliteContext, job: string, attempt: number): string | undefined {
  const row = ctx
    .stmt("SELECT _from FROM edges WHERE _key = ? AND collection = 'executed'")
    .get(executedEdgeKey(job, attempt)) as { _from: string } | undefined;
  return row?._from;
}
