/**
 * Workflow-level lifecycle reads and the completion check.
 */
import type { AqlQuery } from 'arangojs/aql';
import { FAILED_JOB_STATUSES, NON_FINAL_JOB_STATUSES, type WorkflowDoc } from '../../../core/model.js';

/** Jobs per status of one workflow (or of the given jobs of it); `exists` false when the workflow does not exist. */
export function statusCountsQuery(
  workflow: string,
  jobs?: readonly string[],
): AqlQuery<{ exists: boolean; counts: Array<[string, number]> }> {
  const scan =
    jobs === undefined
      ? // [workflow, status] index: a covering scan, no document reads.
        'FOR j IN jobs FILTER j.workflow == @wf'
      : // Primary-index lookups of the given keys only.
        "FOR k IN @jobs LET j = DOCUMENT(CONCAT('jobs/', k)) FILTER j != null AND j.workflow == @wf";
  return {
    query: `
      LET wf = DOCUMENT(@wfId)
      LET counts = (
        ${scan}
          COLLECT jobStatus = j.status WITH COUNT INTO n
          RETURN [jobStatus, n]
      )
      RETURN { exists: wf != null, counts }`,
    bindVars: { wfId: `workflows/${workflow}`, wf: workflow, ...(jobs !== undefined && { jobs: [...new Set(jobs)] }) },
  };
}

/**
 * Finish a running workflow whose jobs are all final, in one query (idempotent: a
 * finished workflow is no longer `running`, so a second call returns nothing).
 */
export function finishWorkflowQuery(workflow: string, now: string): AqlQuery<WorkflowDoc> {
  return {
    query: `
      FOR w IN workflows
        FILTER w._key == @wf AND w.status == 'running'
        // Any job not yet final keeps the workflow running.
        LET openJob = FIRST(
          FOR j IN jobs
            FILTER j.workflow == @wf AND j.status IN @open
            LIMIT 1
            RETURN 1
        )
        FILTER openJob == null
        LET failedJob = FIRST(
          FOR j IN jobs
            FILTER j.workflow == @wf AND j.status IN @failed
            LIMIT 1
            RETURN 1
        )
        UPDATE w WITH { status: failedJob == null ? 'completed' : 'failed', finished_at: @now } IN workflows
        RETURN UNSET(NEW, '_rev')`,
    bindVars: { wf: workflow, now, open: NON_FINAL_JOB_STATUSES, failed: [...FAILED_JOB_STATUSES] },
  };
}
