/**
 * Reads of one job inside an operation's transaction: the lifecycle view the shared rules
 * decide on (../attempt-admission.ts, ../direct-mode-rules.ts) and the whole document.
 */
import type { AttemptJobView } from '../attempt-admission.js';
import type { SqliteContext } from './sqlite-context.js';

/** The job's lifecycle fields from its hot columns, or undefined when it does not exist. */
export function readJobState(ctx: SqliteContext, job: string): AttemptJobView | undefined {
  const row = ctx
    .stmt(
      "SELECT workflow, status, attempt, json_extract(doc, '$.canceled_from') AS canceled_from FROM jobs WHERE _key = ?",
    )
    .get(job) as (AttemptJobView & { canceled_from: string | null }) | undefined;
  if (!row) return undefined;
  const { canceled_from, ...rest } = row;
  return canceled_from === null ? rest : { ...rest, canceled_from };
}

/** The job's document; the caller knows it exists. */
export function readJobDoc(ctx: SqliteContext, job: string): Record<string, unknown> {
  const row = ctx.stmt('SELECT doc FROM jobs WHERE _key = ?').get(job) as { doc: string };
  return JSON.parse(row.doc) as Record<string, unknown>;
}
