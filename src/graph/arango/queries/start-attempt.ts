/**
 * One start (queued → running) as one AQL query: check, compute node, `executed` edge
 * and job update together, so a refused start writes nothing.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { ComputeNodeDoc, JobDoc } from '../../../core/model.js';

export interface StartRow {
  /** Why the start is refused, or null when it happened. */
  refused: string | null;
  job: JobDoc | null;
}

export function startAttemptQuery(args: {
  workflow: string;
  job: string;
  attempt: number;
  node: Omit<ComputeNodeDoc, '_id'>;
  edgeKey: string;
  now: string;
}): AqlQuery<StartRow> {
  return {
    query: `
      LET j = DOCUMENT(@jobId)
      LET refused = (j == null OR j.workflow != @wf) ? CONCAT('job ', @job, ' does not exist in workflow ', @wf)
        : (j.attempt != @attempt ? CONCAT('job ', @job, ' is at attempt ', j.attempt, ', not ', @attempt)
        : (j.status != 'queued' ? CONCAT('job ', @job, ' is ', j.status, ', not queued')
        : null))
      // Each write runs only when the start is allowed (iterating over [] skips it).
      LET allowed = refused == null ? [1] : []
      // The worker's compute node in this workflow, created on first use, left as is after.
      // (Review fix: not UPSERT ... UPDATE {}: an empty UPDATE still writes a new revision,
      // so every start rewrote the node and concurrent starts of one worker, or a start next
      // to recordLostAttempts, hit write-write conflicts. 'ignore' writes nothing when the
      // node exists: it usually does, registration creates it.)
      LET nodeRows = (
        FOR x IN allowed
          INSERT @node INTO compute_nodes OPTIONS { overwriteMode: 'ignore' }
          RETURN 1
      )
      // Keyed by (job, attempt): a replayed start cannot add a second edge.
      LET edgeRows = (
        FOR x IN allowed
          INSERT { _key: @edgeKey, _from: @nodeId, _to: @jobId, workflow: @wf, attempt: @attempt }
            INTO executed OPTIONS { overwriteMode: 'ignore' }
          RETURN 1
      )
      LET updated = (
        FOR x IN allowed
          UPDATE j WITH { status: 'running', started_at: @now } IN jobs
          RETURN UNSET(NEW, '_rev')
      )
      RETURN { refused, job: FIRST(updated) }`,
    bindVars: {
      jobId: `jobs/${args.job}`,
      job: args.job,
      wf: args.workflow,
      attempt: args.attempt,
      node: args.node,
      nodeId: `compute_nodes/${args.node._key}`,
      edgeKey: args.edgeKey,
      now: args.now,
    },
  };
}
