/**
 * The open database and the transaction helpers every operation module shares.
 */
import type { Database, Statement } from 'better-sqlite3';
import { pendingAudit, type AuditScope } from '../../core/audit-scope.js';
import { mapSqliteError } from './sqlite-errors.js';

export interface SqliteContext {
  readonly db: Database;
  /**
   * Run `fn` in an IMMEDIATE transaction: taking the write lock up front avoids the
   * deadlock-prone read→write upgrade between processes. Nested calls run in the outer one.
   * Driver errors are mapped to core errors. The first one a signed-in request runs also
   * writes its audit event (`audit`), in the same transaction.
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

/** What the context does besides running transactions. */
export interface ContextHooks {
  /** Append the audit event of `scope` at the end of a write transaction; true when written. */
  audit?: (ctx: SqliteContext, scope: AuditScope) => boolean;
}

export function createContext(db: Database, hooks: ContextHooks = {}): SqliteContext {
  const cache = new Map<string, Statement>();
  const run = <T>(fn: () => T, immediate: boolean): T => {
    try {
      if (db.inTransaction) return fn();
      const scope = immediate && hooks.audit ? pendingAudit() : undefined;
      if (!scope) {
        const tx = db.transaction(fn);
        return immediate ? tx.immediate() : tx.deferred();
      }
      let audited = false;
      const out = db
        .transaction(() => {
          const value = fn();
          audited = hooks.audit!(ctx, scope);
          return value;
        })
        .immediate();
      if (audited) scope.done = true;
      return out;
    } catch (err) {
      throw mapSqliteError(err);
    }
  };
  const ctx: SqliteContext = {
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
  return ctx;
}
