/**
 * What the Direct-mode rules (../direct-mode-rules.ts) read of the graph on SQLite, inside
 * the operation's transaction: whether a compute node runs an attempt, the `blocks` graph
 * around a new edge, and the counter change a new `blocks` edge makes.
 */
import { EXECUTED_KEY_INFIX } from '../../core/keys.js';
import { docId, type JobStatus } from '../../core/model.js';
import type { BlocksView, CounterUpdate } from '../direct-mode-rules.js';
import type { SqliteContext } from './sqlite-context.js';

/** Whether compute node `node` is the node of some job's current, running attempt. */
export function runsAttempt(ctx: SqliteContext, node: string): boolean {
  return (
    ctx
      .stmt(
        `SELECT 1 FROM edges e INDEXED BY edges_from
         JOIN jobs j ON j._key = substr(e._to, 6)
         WHERE e._from = ? AND e.collection = 'executed' AND j.status = 'running'
           AND e._key = j._key || '${EXECUTED_KEY_INFIX}' || j.attempt
         LIMIT 1`,
      )
      .get(docId('compute_nodes', node)) !== undefined
  );
}

/** The `blocks` graph as the rules read it: job rows by key, dependents through the `_from` index. */
export function blocksView(ctx: SqliteContext): BlocksView {
  const state = ctx.stmt('SELECT status, unfinished_blockers, name FROM jobs WHERE _key = ?');
  const dependents = ctx.stmt("SELECT _to FROM edges INDEXED BY edges_from WHERE _from = ? AND collection = 'blocks'");
  return {
    stateOf: (job) => state.get(job) as { status: JobStatus; unfinished_blockers: number; name: string } | undefined,
    dependentsOf: (job) => (dependents.all(docId('jobs', job)) as Array<{ _to: string }>).map((r) => r._to.slice(5)),
  };
}

/** Write a dependent's new counter and status. */
export function writeCounter(ctx: SqliteContext, update: CounterUpdate): void {
  ctx
    .stmt(
      `UPDATE jobs SET status = @status, unfinished_blockers = @n,
       doc = json_set(doc, '$.status', @status, '$.unfinished_blockers', @n) WHERE _key = @job`,
    )
    .run({ status: update.status, n: update.unfinished_blockers, job: update.job });
}
