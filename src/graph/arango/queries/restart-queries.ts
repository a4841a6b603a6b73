/**
 * AQL of restarts and run-time fingerprints (decision 0007); used by ../restart-jobs.ts
 * and ../fingerprints.ts inside their stream transactions.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { JobStatus } from '../../../core/model.js';

/** A job key with a status (null when the job is gone). */
export interface KeyStatus {
  key: string;
  status: JobStatus | null;
}

/** One reset job's neighbourhood: its blockers, and its dependents with THEIR blockers. */
export interface ResetNeighbourhood {
  job: string;
  workflow: string | null;
  status: JobStatus | null;
  blockers: KeyStatus[];
  dependents: Array<KeyStatus & { blockers: KeyStatus[] }>;
}

/** For each key: the job, its blockers and its dependents (edge index on `_from` / `_to`). */
export function resetNeighbourhoodQuery(jobs: readonly string[]): AqlQuery<ResetNeighbourhood> {
  return {
    query: `
      FOR k IN @jobs
        LET id = CONCAT('jobs/', k)
        LET j = DOCUMENT(id)
        LET blockers = (FOR e IN blocks FILTER e._to == id
          RETURN { key: PARSE_IDENTIFIER(e._from).key, status: DOCUMENT(e._from).status })
        LET dependents = (FOR e IN blocks FILTER e._from == id
          RETURN {
            key: PARSE_IDENTIFIER(e._to).key,
            status: DOCUMENT(e._to).status,
            blockers: (FOR b IN blocks FILTER b._to == e._to
              RETURN { key: PARSE_IDENTIFIER(b._from).key, status: DOCUMENT(b._from).status })
          })
        RETURN { job: k, workflow: j.workflow, status: j.status, blockers, dependents }`,
    bindVars: { jobs },
  };
}

/** Reset jobs to a new attempt (attributes set to null are removed: `keepNull: false`). */
export function resetJobsQuery(
  reset: ReadonlyArray<{ key: string; status: JobStatus; unfinished_blockers: number }>,
): AqlQuery {
  return {
    query: `
      FOR u IN @reset
        LET j = DOCUMENT(CONCAT('jobs/', u.key))
        UPDATE j WITH {
          status: u.status, unfinished_blockers: u.unfinished_blockers, attempt: j.attempt + 1,
          failure_retries: 0, lost_reruns: 0,
          canceled_from: null, finished_at: null, started_at: null, queued_at: null, message: null
        } IN jobs OPTIONS { keepNull: false }`,
    bindVars: { reset },
  };
}

/**
 * The `workflow_restarted` event an earlier request with this id recorded (sparse index
 * [workflow, request_id] on events), null when none did.
 */
export function earlierRestartQuery(workflow: string, requestId: string): AqlQuery<Record<string, unknown> | null> {
  return {
    query: `
      FOR e IN events
        FILTER e.workflow == @wf AND e.request_id == @requestId AND e.type == 'workflow_restarted'
        LIMIT 1
        RETURN UNSET(e, '_rev')`,
    bindVars: { wf: workflow, requestId },
  };
}

/** The workflow runs again: status `running`, `finished_at` removed. */
export function rerunWorkflowQuery(workflow: string): AqlQuery {
  return {
    query: `
      UPDATE { _key: @wf } WITH { status: 'running', finished_at: null } IN workflows OPTIONS { keepNull: false }`,
    bindVars: { wf: workflow },
  };
}

/** The files a job needs, ordered by key. */
export function inputFilesQuery(job: string): AqlQuery<{ _key: string; path: string }> {
  return {
    query: `
      FOR e IN needs
        FILTER e._from == @jobId
        LET f = DOCUMENT(e._to)
        FILTER f != null
        SORT f._key
        RETURN { _key: f._key, path: f.path == null ? '' : f.path }`,
    bindVars: { jobId: `jobs/${job}` },
  };
}

export interface FingerprintFacts {
  command: string | null;
  invocation_script: string | null;
  data: Array<{ _key: string; data: unknown }>;
}

/** A job's command and the data of the user_data it consumes; null when the job is gone. */
export function fingerprintFactsQuery(job: string): AqlQuery<FingerprintFacts | null> {
  return {
    query: `
      LET j = DOCUMENT(@jobId)
      LET data = (
        FOR e IN consumes
          FILTER e._from == @jobId
          LET u = DOCUMENT(e._to)
          FILTER u != null
          RETURN { _key: u._key, data: u.data }
      )
      RETURN j == null ? null : { command: j.command, invocation_script: j.invocation_script, data }`,
    bindVars: { jobId: `jobs/${job}` },
  };
}
