/**
 * Results on ArangoDB, mirroring sqlite/record-result.ts: whether an attempt's result exists
 * (its key is the attempt's idempotency record), and writing one with its `returned` edge.
 */
import { docId, type ResultDoc } from '../../core/model.js';
import { recordResultQuery } from './queries/record-result.js';
import type { QueryRunner } from './query-runner.js';

export async function hasResult(run: QueryRunner, key: string): Promise<boolean> {
  return (
    (await run.one<boolean>({ query: 'RETURN DOCUMENT(@id) != null', bindVars: { id: docId('results', key) } })) ===
    true
  );
}

/** Whether the result `key` is one the lost-worker watchdog recorded (`lost: true`); false when absent. */
export async function isLostResult(run: QueryRunner, key: string): Promise<boolean> {
  return (
    (await run.one<boolean>({
      query: 'RETURN DOCUMENT(@id).lost == true',
      bindVars: { id: docId('results', key) },
    })) === true
  );
}

/**
 * Write `result` and its `returned` edge, and in the same query whatever `then` writes (the
 * job's new state, the compute node: AQL writes each collection once per query).
 */
export async function insertResult(
  run: QueryRunner,
  result: ResultDoc,
  then?: { aql: string; bindVars: Record<string, unknown> },
): Promise<void> {
  await run.all(recordResultQuery(result, then));
}
