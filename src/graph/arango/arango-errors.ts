/**
 * Map arangojs failures to the shared error types (core/errors.ts), so nothing of the
 * driver crosses the GraphStore port. Messages name the server URL and never carry a
 * stack trace: they are read by operators on the CLI and in API problem bodies.
 */
import { isArangoError, isNetworkError } from 'arangojs/errors';
import { AppError, ConflictError, NotFoundError, UnavailableError, ValidationError } from '../../core/errors.js';

/** ArangoDB error numbers the adapter reacts to (see ArangoDB's "Error codes" reference). */
export const ARANGO_ERRORS = {
  /** Write-write conflict between concurrent transactions: safe to retry the whole unit. */
  CONFLICT: 1200,
  DOCUMENT_NOT_FOUND: 1202,
  COLLECTION_NOT_FOUND: 1203,
  DUPLICATE_NAME: 1207,
  UNIQUE_CONSTRAINT: 1210,
  ILLEGAL_KEY: 1221,
  DATABASE_NOT_FOUND: 1228,
  /** A stream transaction could not get its locks in time. */
  LOCK_TIMEOUT: 18,
  GRAPH_DUPLICATE: 1925,
} as const;

/** Where an error happened, to make messages useful. */
export interface ErrorContext {
  url: string;
  collection?: string;
  key?: string;
}

/** True for failures after which re-running the whole query or transaction may succeed. */
export function isRetryableConflict(err: unknown): boolean {
  return isArangoError(err) && (err.errorNum === ARANGO_ERRORS.CONFLICT || err.errorNum === ARANGO_ERRORS.LOCK_TIMEOUT);
}

export function hasErrorNum(err: unknown, errorNum: number): boolean {
  return isArangoError(err) && err.errorNum === errorNum;
}

/** The innermost `cause` that says something (fetch wraps ECONNREFUSED two levels deep). */
function rootCause(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string')
      return current.message.includes(code) ? current.message : `${code} ${current.message}`.trim();
    message = current.message || message;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return message;
}

/**
 * Translate any error thrown by arangojs into an AppError. AppErrors pass through
 * unchanged (operations throw them from inside transactions).
 */
export function mapArangoError(err: unknown, ctx: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  const where = `ArangoDB at ${ctx.url}`;
  if (isArangoError(err)) {
    if (err.code === 401 || err.code === 403) {
      return new UnavailableError(
        `${where} refused the credentials (HTTP ${err.code}): check ARANGO_USER / ARANGO_PASSWORD`,
        {
          url: ctx.url,
        },
      );
    }
    switch (err.errorNum) {
      case ARANGO_ERRORS.UNIQUE_CONSTRAINT:
        return new ConflictError(
          ctx.key
            ? `${ctx.collection ?? 'document'}/${ctx.key} already exists`
            : `a document with that key already exists: ${err.message}`,
          { collection: ctx.collection, key: ctx.key },
        );
      case ARANGO_ERRORS.DOCUMENT_NOT_FOUND:
        return new NotFoundError(ctx.collection ?? 'document', ctx.key ?? '?');
      case ARANGO_ERRORS.ILLEGAL_KEY:
        return new ValidationError([{ path: '_key', message: `not a valid ArangoDB document key (${err.message})` }]);
      case ARANGO_ERRORS.COLLECTION_NOT_FOUND:
      case ARANGO_ERRORS.DATABASE_NOT_FOUND:
        return new UnavailableError(`${where}: ${err.message} (schema missing? it is created when the store opens)`, {
          url: ctx.url,
        });
      case ARANGO_ERRORS.CONFLICT:
      case ARANGO_ERRORS.LOCK_TIMEOUT:
        return new UnavailableError(`${where}: too much contention, gave up after retries (${err.message})`, {
          url: ctx.url,
        });
      default:
        return new AppError('internal', `${where}: ${err.message} (errorNum ${err.errorNum})`, {
          url: ctx.url,
          errorNum: err.errorNum,
        });
    }
  }
  if (isNetworkError(err)) {
    const status = (err as { code?: unknown }).code;
    if (status === 401 || status === 403) {
      return new UnavailableError(
        `${where} refused the credentials (HTTP ${status}): check ARANGO_USER / ARANGO_PASSWORD`,
        {
          url: ctx.url,
        },
      );
    }
    return new UnavailableError(`cannot reach ${where}: ${rootCause(err)}`, { url: ctx.url });
  }
  return new UnavailableError(`${where}: ${rootCause(err)}`, { url: ctx.url });
}
