/**
 * Reads of one job inside an operation's stream transaction, mirroring sqlite/job-state.ts:
 * the lifecycle view the shared rules decide on and the whole document.
 */
import { executedEdgeKey } from '../../core/keys.js';
import { docId } from '../../core/model.js';
import type { AttemptJobView } from '../attempt-admission.js';
import { jobDocQuery, jobStateQuery } from './queries/job-state.js';
import type { QueryRunner } from './query-runner.js';

/** The job's lifecycle fields, or undefined when it does not exist. */
export async function readJobState(run: QueryRunner, job: string): Promise<AttemptJobView | undefined> {
  return (await run.one(jobStateQuery(job))) ?? undefined;
}

/** The job's document, or undefined when it does not exist. */
export async function readJobDoc(run: QueryRunner, job: string): Promise<Record<string, unknown> | undefined> {
  return (await run.one(jobDocQuery(job))) ?? undefined;
}

/** The `_from` (a compute node `_id`) of the attempt's `executed` edge, or undefined when it has none. */
export async function readExecutedFrom(run: QueryRunner, job: string, attempt: number): Promise<string | undefined> {
  const from = await run.one<string | null>({
    query: 'LET e = DOCUMENT(@edge) RETURN e == null ? null : e._from',
    bindVars: { edge: docId('executed', executedEdgeKey(job, attempt)) },
  });
  return from ?? undefined;
}
