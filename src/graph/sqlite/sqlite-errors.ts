/**
 * Map better-sqlite3 failures to the shared error types, so nothing driver-specific
 * crosses the GraphStore port.
 */
import { AppError, ConflictError, UnavailableError } from '../../core/errors.js';

function sqliteCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** Whether `err` is a primary-key / unique violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Translate a driver error; AppErrors and unknown errors pass through unchanged. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new UnavailableError('graph store is closed');
  }
  const code = sqliteCode(err);
  if (!code?.startsWith('SQLITE_')) return err;
  if (isUniqueViolation(err)) return new ConflictError(`duplicate key: ${(err as Error).message}`);
  // busy_timeout already waited; past that, another process holds the write lock too long.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new UnavailableError(`graph database is busy: ${(err as Error).message}`, { code });
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return new UnavailableError(`graph database unavailable: ${(err as Error).message}`, { code });
  }
  return err;
}
