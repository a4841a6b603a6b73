/** Writing a result: its document and the job's `returned` edge, in the caller's transaction. */
import { returnedEdgeKey } from '../../core/keys.js';
import { docId, type ResultDoc } from '../../core/model.js';
import { insertDocRow, insertEdgeRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';

/** Whether the result `key` exists: the result key is the idempotency record of an attempt. */
export function hasResult(ctx: SqliteContext, key: string): boolean {
  return ctx.stmt("SELECT 1 FROM docs WHERE collection = 'results' AND _key = ?").get(key) !== undefined;
}

/** Whether the result `key` is one the lost-worker watchdog recorded (`lost: true`); false when absent. */
export function isLostResult(ctx: SqliteContext, key: string): boolean {
  const row = ctx
    .stmt("SELECT json_extract(doc, '$.lost') AS lost FROM docs WHERE collection = 'results' AND _key = ?")
    .get(key) as { lost: unknown } | undefined;
  return row?.lost === 1;
}

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
