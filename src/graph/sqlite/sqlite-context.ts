/**
 * The open database and the transaction helpers every operation module shares.
 */
import type { Database, Statement } from 'better-sqlite3';
import { mapSqliteError } from './sqlite-errors.js';

export interface SqliteContext {
  readonly db: Database;
  /**
   * Run `fn` in an IMMEDIATE transaction: taking the write lock up front avoids the
   * deadlock-prone read→write upgrade between processes. Nested calls become savepoints.
   * Driver errors are mapped to core errors.
   */
  write<T>(fn: () => T): T;
  /** Run `fn` (reads only) mapping driver errors; one deferred transaction for a consistent snapshot. */
  read<T>(fn: () => T): T;
  /** A prepared statement, cached by its SQL text. */
  stmt(sql: string): Statement;
}

/** A constant list of known words (statuses) as SQL: `('a', 'b')`. Never for user input. */
export function sqlList(words: readonly string[]): string {
  return `(${words.map((w) => `'${w}'`).join(', ')})`;
}

export function createContext(db: Database): SqliteContext {
  const cache = new Map<string, Statement>();
  const run = <T>(fn: () => T, immediate: boolean): T => {
    try {
      if (db.inTransaction) return fn();
      const tx = db.transaction(fn);
      return immediate ? tx.immediate() : tx.deferred();
    } catch (err) {
      throw mapSqliteError(err);
    }
  };
  return {
    db,
    write: (fn) => run(fn, true),
    read: (fn) => run(fn, false),
    stmt(sql) {
      let s = cache.get(sql);
      if (!s) {
        // List filters make SQL variants; a bound keeps arbitrary filter fields from growing the cache.
        if (cache.size >= 1000) cache.clear();
        s = db.prepare(sql);
        cache.set(sql, s);
      }
      return s;
    },
  };
}
