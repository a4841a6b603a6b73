/**
 * What every ArangoDB operation needs: the database handle, the URL (for messages), a
 * runner for standalone queries and a way to open a stream transaction.
 */
import type { Database } from 'arangojs/databases';
import { pendingAudit } from '../../core/audit-scope.js';
import { ConflictError } from '../../core/errors.js';
import { ARANGO_ERRORS, hasErrorNum } from './arango-errors.js';
import { inTransaction, standaloneRunner, type QueryRunner } from './query-runner.js';
import { recordAuditEvent } from './record-audit-event.js';

export interface ArangoContext {
  db: Database;
  url: string;
  /** Standalone queries: each atomic on its own, retried on write-write conflicts. */
  run: QueryRunner;
  /**
   * One stream transaction writing `write` (reads of any collection allowed, `read` declared
   * up front), retried as a whole on conflicts. The first one a signed-in request runs also
   * writes its audit event (core/audit-scope.ts), in the same transaction.
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
    async transaction(write, body, read = []) {
      const scope = write.length > 0 ? pendingAudit() : undefined;
      if (!scope) return inTransaction(db, { write: [...write], read: [...read] }, ctx, body);
      let audited = false;
      const out = await inTransaction(
        db,
        { write: [...new Set([...write, 'events'])], read: [...read] },
        ctx,
        async (run) => {
          const value = await body(run);
          audited = await recordAuditEvent(run, scope);
          return value;
        },
      );
      if (audited) scope.done = true;
      return out;
    },
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
