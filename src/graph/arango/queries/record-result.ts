/**
 * Recording an attempt's result: the result document and the job's `returned` edge, in one
 * query with whatever else the caller writes in the same step (the job's new state, the
 * compute node). AQL lets a query write each collection once, so `then` must not write
 * `results` or `returned`.
 */
import type { AqlQuery } from 'arangojs/aql';
import { docId, type ResultDoc } from '../../../core/model.js';
import { returnedEdgeKey } from '../../../core/keys.js';

/** `_id` is the server's to set. */
function withoutId(result: ResultDoc): Omit<ResultDoc, '_id'> {
  const { _id: _ignored, ...rest } = result;
  return rest;
}

export function recordResultQuery(
  result: ResultDoc,
  then: { aql: string; bindVars: Record<string, unknown> } = { aql: 'RETURN 1', bindVars: {} },
): AqlQuery {
  return {
    query: `
      LET resultRows = (INSERT @result INTO results RETURN 1)
      // Deterministic key: a repeated report finds the edge and leaves it.
      LET edgeRows = (
        INSERT { _key: @edgeKey, _from: @jobId, _to: @resultId, workflow: @wf } INTO returned
          OPTIONS { overwriteMode: 'ignore' }
        RETURN 1
      )
      ${then.aql}`,
    bindVars: {
      result: withoutId(result),
      resultId: result._id,
      edgeKey: returnedEdgeKey(result.job, result.attempt),
      jobId: docId('jobs', result.job),
      wf: result.workflow,
      ...then.bindVars,
    },
  };
}
