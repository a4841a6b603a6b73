/**
 * Multi-row INSERTs for bulk writes (a million-job workflow): rows are buffered and written
 * `BATCH_ROWS` at a time by one prepared `INSERT … VALUES (…), (…), …` statement, so the
 * cost per row is binding its values, not a statement call from JavaScript. Callers own
 * the transaction (every batch of a create goes into the create's one transaction).
 */
import type { SqliteContext } from './sqlite-context.js';
import { isUniqueViolation } from './sqlite-errors.js';

/**
 * Rows per statement. 256 × 9 job columns = 2,304 bound values, far under SQLite's 32,766;
 * larger batches gain little (measured with bench/million.ts) and prepare longer SQL.
 */
export const BATCH_ROWS = 256;

/** Buffers rows of one table and inserts them in batches. Call `flush()` before the transaction ends. */
export class BatchedInsert {
  private readonly values: unknown[] = [];
  private rows = 0;
  private readonly one: string;

  /**
   * @param head `INSERT INTO t (a, b, c)` — the statement up to `VALUES`
   * @param width the number of columns
   * @param conflictOf the error for a row whose key already exists (found row by row after a batch fails)
   */
  constructor(
    private readonly ctx: SqliteContext,
    private readonly head: string,
    private readonly width: number,
    private readonly conflictOf: (row: readonly unknown[]) => Error,
  ) {
    this.one = `(${'?, '.repeat(width - 1)}?)`;
  }

  /** Add one row (`width` values, in column order). */
  add(...row: unknown[]): void {
    for (const v of row) this.values.push(v);
    if (++this.rows === BATCH_ROWS) this.flush();
  }

  /** Write the buffered rows. @throws the `conflictOf` error for the first row whose key exists */
  flush(): void {
    if (this.rows === 0) return;
    try {
      this.ctx.stmt(this.sql(this.rows)).run(this.values);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The failed statement changed nothing: insert row by row to name the key (or keys
      // repeated inside this batch).
      this.rowByRow();
      throw err;
    } finally {
      this.values.length = 0;
      this.rows = 0;
    }
  }

  private rowByRow(): void {
    const single = this.ctx.stmt(this.sql(1));
    for (let r = 0; r < this.rows; r++) {
      const row = this.values.slice(r * this.width, (r + 1) * this.width);
      try {
        single.run(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw this.conflictOf(row);
        throw err;
      }
    }
  }

  private sql(rows: number): string {
    // Full batches share one cached statement; the last, shorter one is prepared once per create.
    return `${this.head} VALUES ${`${this.one}, `.repeat(rows - 1)}${this.one}`;
  }
}
