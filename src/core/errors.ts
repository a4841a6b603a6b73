/**
 * Errors with stable codes. Every layer throws these; the API maps `code` to an HTTP
 * status and an `application/problem+json` body in one place (src/api/problem.ts), the
 * CLI prints `message` and exits non-zero.
 */

/** Stable error codes. Never rename one: clients match on them. */
export const ERROR_CODES = {
  VALIDATION: 'validation_failed',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  INVALID_STATE: 'invalid_state',
  CYCLE: 'dependency_cycle',
  UNSATISFIABLE: 'unsatisfiable_requirements',
  CONFIG: 'invalid_config',
  UNAVAILABLE: 'service_unavailable',
  PROVIDER: 'provider_refused',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  INTERNAL: 'internal',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** One problem with one input field; `path` is a dotted/indexed path such as `jobs[3].input_files[0]`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a spec, an HTTP body, a flag. `issues` names every offending field. */
export class ValidationError extends AppError {
  constructor(
    readonly issues: FieldIssue[],
    summary?: string,
  ) {
    super(ERROR_CODES.VALIDATION, summary ?? issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '), {
      issues,
    });
  }
}

export class NotFoundError extends AppError {
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(ERROR_CODES.NOT_FOUND, `${collection}/${key} does not exist`, { collection, key });
  }
}

/** A unique constraint (duplicate `_key`, duplicate name) was violated. */
export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.CONFLICT, message, details);
  }
}

/** The operation is not allowed in the current state (e.g. starting a workflow twice). */
export class InvalidStateError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.INVALID_STATE, message, details);
  }
}

/**
 * The job dependency graph has a cycle; `cycle` lists job names in order, first repeated last.
 * `cycles`: every cycle found (src/core/find-cycle.ts `findCycles`), `cycle` first; each is also
 * an issue (`jobs: cycle: a -> b -> a`) so the CLI and API clients print one per line.
 */
export class CycleError extends AppError {
  constructor(
    readonly cycle: string[],
    readonly cycles: string[][] = [cycle],
  ) {
    const more = cycles.length > 1 ? ` (and ${cycles.length - 1} more)` : '';
    super(ERROR_CODES.CYCLE, `dependency cycle: ${cycle.join(' -> ')}${more}`, {
      cycle,
      issues: cycles.map((c) => ({ path: 'jobs', message: `cycle: ${c.join(' -> ')}` })),
    });
  }
}

/** A job needs more than any worker that can exist will offer. */
export class UnsatisfiableError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.UNSATISFIABLE, message, details);
  }
}

/** A bad configuration value (environment variable or flag); the process stops with it. */
export class ConfigError extends AppError {
  constructor(readonly issues: FieldIssue[]) {
    super(ERROR_CODES.CONFIG, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }
}

/** A backing service (Redis, the graph database, the API) cannot be reached. */
export class UnavailableError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.UNAVAILABLE, message, details);
  }
}

/**
 * A compute provider refused a request (sbatch rejected the account, EC2 has no capacity):
 * `provider` and `scheduler` say where; the message keeps the provider's own words.
 */
export class ProviderError extends AppError {
  constructor(message: string, details: { provider: string; scheduler?: string } & Record<string, unknown>) {
    super(ERROR_CODES.PROVIDER, message, details);
  }
}

/**
 * The request carries no valid credentials (none, unknown, expired or revoked token). The
 * message never contains the presented token.
 */
export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super(ERROR_CODES.UNAUTHENTICATED, message);
  }
}

/** The caller is known but may not do this (role, ownership, worker scope). */
export class ForbiddenError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ERROR_CODES.FORBIDDEN, message, details);
  }
}

/** Render a zod-style issue path (`['jobs', 3, 'input_files', 0]`) as `jobs[3].input_files[0]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
