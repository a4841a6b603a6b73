/**
 * Reads and writes of job lifecycle state used inside stream transactions.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { JobStatus } from '../../../core/model.js';
import type { AttemptJobView } from '../../attempt-admission.js';

export interface DependentRow {
  job: string;
  dependents: Array<{
    key: string;
    /** null when the dependent no longer exists. */
    state: { status: JobStatus; unfinished_blockers: number; cancel_on_blocking_job_failure?: unknown } | null;
  }>;
}

/** For each job key: the jobs it blocks (one entry per `blocks` edge) and their current state. */
export function dependentsQuery(jobs: readonly string[]): AqlQuery<DependentRow> {
  return {
    query: `
      FOR k IN @jobs
        LET dependents = (
          // Edge index on _from: O(out-degree) per finished job.
          FOR e IN blocks
            FILTER e._from == CONCAT('jobs/', k)
            LET d = DOCUMENT(e._to)
            RETURN {
              key: PARSE_IDENTIFIER(e._to).key,
              state: d == null ? null : {
                status: d.status,
                unfinished_blockers: d.unfinished_blockers,
                cancel_on_blocking_job_failure: d.cancel_on_blocking_job_failure
              }
            }
        )
        RETURN { job: k, dependents }`,
    bindVars: { jobs },
  };
}

/** Set status and counter of several jobs at once. */
export function writeJobStatesQuery(
  updates: ReadonlyArray<{ key: string; status: JobStatus; unfinished_blockers: number }>,
): AqlQuery {
  return {
    query: `
      FOR u IN @updates
        UPDATE { _key: u.key } WITH { status: u.status, unfinished_blockers: u.unfinished_blockers } IN jobs`,
    bindVars: { updates },
  };
}

/** The lifecycle fields of one job (those ../../attempt-admission.ts decides on), null when absent. */
export function jobStateQuery(job: string): AqlQuery<AttemptJobView | null> {
  return {
    query: `
      LET j = DOCUMENT(@id)
      RETURN j == null ? null : { workflow: j.workflow, status: j.status, attempt: j.attempt, canceled_from: j.canceled_from }`,
    bindVars: { id: `jobs/${job}` },
  };
}

/** One job's document (without `_rev`), null when absent. */
export function jobDocQuery(job: string): AqlQuery<Record<string, unknown> | null> {
  return {
    query: `
      LET j = DOCUMENT(@id)
      RETURN j == null ? null : UNSET(j, '_rev')`,
    bindVars: { id: `jobs/${job}` },
  };
}
