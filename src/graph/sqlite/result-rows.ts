/** Writing a result: its document and the job's `returned` edge, in the caller's transaction. */
import { docId, type ResultDoc } from '../../core/model.js';
import { returnedEdgeKey } from '../result-document.js';
import { insertDocRow, insertEdgeRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';

export function insertResult(ctx: SqliteContext, result: ResultDoc): void {
  insertDocRow(ctx, 'results', result);
  insertEdgeRow(
    ctx,
    'returned',
    { _key: returnedEdgeKey(result.job, result.attempt), _from: docId('jobs', result.job), _to: result._id },
    result.workflow,
    true,
  );
}
