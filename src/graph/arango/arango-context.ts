/**
 * What every ArangoDB operation needs: the database handle, the URL (for messages), a
 * runner for standalone queries and a way to open a stream transaction.
 */
import type { Database } from 'arangojs/databases';
import { ConflictError } from '../../core/errors.js';
import { ARANGO_ERRORS, hasErrorNum } from './arango-errors.js';
import { inTransaction, standaloneRunner, type QueryRunner } from './query-runner.js';

export interface ArangoContext {
  db: Database;
  url: string;
  /** Standalone queries: each atomic on its own, retried on write-write conflicts. */
  run: QueryRunner;
  /**
   * One stream transaction writing `write` (reads of any collection allowed, `read` declared
   * up front), retried as a whole on conflicts.
   */
  transaction<T>(
    write: readonly string[],
    body: (run: QueryRunner) => Promise<T>,
    read?: readonly string[],
  ): Promise<T>;
}

export function createArangoContext(db: Database, url: string): ArangoContext {
  const ctx = { url };
  return {
    db,
    url,
    run: standaloneRunner(db, ctx),
    transaction: (write, body, read = []) => inTransaction(db, { write: [...write], read: [...read] }, ctx, body),
  };
}

/** Documents per INSERT query: big enough to amortize round trips, small enough for one request body. */
export const INSERT_BATCH = 5000;

/**
 * Insert `docs` into `collection` in batches of INSERT_BATCH, inside the caller's
 * transaction. `_id`/`_rev` are dropped (ArangoDB derives them).
 * @throws ConflictError when a `_key` already exists
 */
export async function insertMany(
  run: QueryRunner,
  collection: string,
  docs: readonly Record<string, unknown>[],
): Promise<void> {
  for (let start = 0; start < docs.length; start += INSERT_BATCH) {
    const batch = docs.slice(start, start + INSERT_BATCH);
    try {
      await run.all({
        query: `FOR d IN @docs INSERT UNSET(d, '_id', '_rev') INTO @@col OPTIONS { overwriteMode: 'conflict' }`,
        bindVars: { docs: batch, '@col': collection },
      });
    } catch (err) {
      if (hasErrorNum(err, ARANGO_ERRORS.UNIQUE_CONSTRAINT)) {
        throw new ConflictError(
          `a document of ${collection} already exists with one of the given keys (${(err as Error).message})`,
          {
            collection,
          },
        );
      }
      throw err;
    }
  }
}
