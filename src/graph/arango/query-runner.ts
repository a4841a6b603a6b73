/**
 * How operations talk to ArangoDB: a `QueryRunner` runs AQL either as standalone queries
 * (each one atomic on its own) or as steps of one stream transaction. Operations are
 * written once against the interface and do not care which.
 *
 * Both paths retry a write-write conflict (errorNum 1200) with backoff: RocksDB detects
 * the conflict when two units touch the same document, and re-running the whole unit
 * re-reads a fresh snapshot, so read-modify-write logic stays correct.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { Database } from 'arangojs/databases';
import type { TransactionCollectionOptions } from 'arangojs/transactions';
import { isRetryableConflict, mapArangoError, type ErrorContext } from './arango-errors.js';

export interface QueryRunner {
  /** Run one AQL query and return every row. */
  all<T>(query: AqlQuery<T>): Promise<T[]>;
  /** The first row, or undefined. */
  one<T>(query: AqlQuery<T>): Promise<T | undefined>;
}

/** Rows fetched per round trip; cursors larger than this are drained batch by batch. */
const BATCH_SIZE = 5000;
/** Attempts for a unit of work that keeps hitting write-write conflicts. */
const MAX_ATTEMPTS = 6;

type Step = <T>(callback: () => Promise<T>) => Promise<T>;

async function drain<T>(db: Database, query: AqlQuery<T>, step: Step): Promise<T[]> {
  const cursor = await step(() => db.query<T>(query, { batchSize: BATCH_SIZE }));
  // arangojs attaches the transaction id only to the request made inside `step`, so each
  // further batch is fetched in its own step (the cursor lives inside the transaction).
  while (cursor.batches.hasMore) await step(() => cursor.batches.itemsView.more());
  return cursor.all();
}

function runnerFor(db: Database, step: Step): QueryRunner {
  return {
    all: (query) => drain(db, query, step),
    one: async (query) => (await drain(db, query, step))[0],
  };
}

const direct: Step = (callback) => callback();

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential backoff with jitter: 20, 40, 80 … ms (± half). */
function backoffMs(attempt: number): number {
  const base = 20 * 2 ** attempt;
  return base / 2 + Math.random() * base;
}

/** Run `work` again while it fails with a retryable conflict; map every failure to an AppError. */
export async function withRetry<T>(ctx: ErrorContext, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (isRetryableConflict(err) && attempt + 1 < MAX_ATTEMPTS) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw mapArangoError(err, ctx);
    }
  }
}

/**
 * Outside any transaction: every query is its own atomic unit, retried on conflict.
 * A query that fails halfway changes nothing (AQL queries are transactional on a single server).
 */
export function standaloneRunner(db: Database, ctx: ErrorContext): QueryRunner {
  const runner = runnerFor(db, direct);
  return {
    all: (query) => withRetry(ctx, () => runner.all(query)),
    one: (query) => withRetry(ctx, () => runner.one(query)),
  };
}

/**
 * Run `body` in one stream transaction (committed when it resolves, aborted when it
 * throws) and re-run it from the start on a write-write conflict. `body` must therefore
 * have no side effects outside the database.
 */
export async function inTransaction<T>(
  db: Database,
  collections: TransactionCollectionOptions,
  ctx: ErrorContext,
  body: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  return withRetry(ctx, () =>
    db.withTransaction(collections, (step) => body(runnerFor(db, step)), {
      // Reads of collections not listed are allowed (DOCUMENT() lookups, traversals).
      allowImplicit: true,
      // Fail fast instead of queueing behind a long transaction; the retry loop waits.
      lockTimeout: 30,
    }),
  );
}
