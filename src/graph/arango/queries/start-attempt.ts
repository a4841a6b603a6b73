/**
 * The writes of one admitted start (queued → running) as one AQL query: compute node,
 * `executed` edge and job update together. Whether the start is admitted is decided before,
 * in the same stream transaction, by ../../attempt-admission.ts.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { ComputeNodeDoc, JobDoc } from '../../../core/model.js';

export function startAttemptQuery(args: {
  workflow: string;
  job: string;
  attempt: number;
  node: Omit<ComputeNodeDoc, '_id'>;
  edgeKey: string;
  now: string;
}): AqlQuery<JobDoc> {
  return {
    query: `
      // The worker's compute node in this workflow, created on first use, left as is after.
      // (Review fix: not UPSERT ... UPDATE {}: an empty UPDATE still writes a new revision,
      // so every start rewrote the node and concurrent starts of one worker, or a start next
      // to recordLostAttempts, hit write-write conflicts. 'ignore' writes nothing when the
      // node exists: it usually does, registration creates it.)
      LET nodeRows = (
        INSERT @node INTO compute_nodes OPTIONS { overwriteMode: 'ignore' }
        RETURN 1
      )
      // Keyed by (job, attempt): a replayed start cannot add a second edge.
      LET edgeRows = (
        INSERT { _key: @edgeKey, _from: @nodeId, _to: @jobId, workflow: @wf, attempt: @attempt }
          INTO executed OPTIONS { overwriteMode: 'ignore' }
        RETURN 1
      )
      UPDATE { _key: @job } WITH { status: 'running', started_at: @now } IN jobs
      RETURN UNSET(NEW, '_rev')`,
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
