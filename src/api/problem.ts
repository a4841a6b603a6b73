/**
 * The one place errors become HTTP responses: AppError codes map to statuses, and every
 * error is written as `application/problem+json` `{type, title, status, code, detail, issues?}`.
 * Validation failures from route schemas (the OpenAPIHono `defaultHook`) and malformed
 * bodies go through here too, so a client sees one error shape whatever failed.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { AppError, ERROR_CODES, ValidationError, type ErrorCode, type FieldIssue } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { zodIssues } from '../core/zod-issues.js';

const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 422,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  dependency_cycle: 422,
  unsatisfiable_requirements: 422,
  invalid_config: 500,
  service_unavailable: 503,
  provider_refused: 502,
  unauthenticated: 401,
  forbidden: 403,
  internal: 500,
};

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Validation failed',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid_state: 'Invalid state',
  dependency_cycle: 'Dependency cycle',
  unsatisfiable_requirements: 'Unsatisfiable requirements',
  invalid_config: 'Invalid configuration',
  service_unavailable: 'Service unavailable',
  provider_refused: 'Compute provider refused the request',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  internal: 'Internal server error',
};

/**
 * A request refused before any route saw it, with a status of its own: a body too large
 * (413), not UTF-8 or not JSON (400), a request Node's HTTP parser rejected (400, 431).
 * Its code stays `validation_failed`: the client sent something it must change.
 */
export class RequestRefusedError extends AppError {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    message: string,
    issues: FieldIssue[] = [],
    details: Record<string, unknown> = {},
  ) {
    super(ERROR_CODES.VALIDATION, message, { ...details, ...(issues.length ? { issues } : {}) });
  }
}

/** Most issues a problem lists; a body with a million bad items gets the first ones and a count. */
export const MAX_PROBLEM_ISSUES = 100;
/** Longest issue message in a problem (zod lists every unknown key of an object in one message). */
const MAX_ISSUE_MESSAGE = 500;

/** Longest `detail`: a summary of the first issues, not a copy of all of them. */
const MAX_DETAIL = 8000;

/** `issues` cut to what a client can use: the first MAX_PROBLEM_ISSUES, each message at most 500 characters. */
export function capIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  const shown = issues.slice(0, MAX_PROBLEM_ISSUES).map((i) => ({
    path: i.path.length > MAX_ISSUE_MESSAGE ? `${i.path.slice(0, MAX_ISSUE_MESSAGE)}…` : i.path,
    message: i.message.length > MAX_ISSUE_MESSAGE ? `${i.message.slice(0, MAX_ISSUE_MESSAGE)}…` : i.message,
  }));
  if (issues.length > MAX_PROBLEM_ISSUES)
    shown.push({ path: '(root)', message: `… and ${issues.length - MAX_PROBLEM_ISSUES} more issues` });
  return shown;
}

/** The body of a problem response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  issues?: FieldIssue[];
  [extra: string]: unknown;
}

/** HTTP status for an error code. */
export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  return STATUS_BY_CODE[code] ?? 500;
}

function statusOf(err: AppError): ContentfulStatusCode {
  return err instanceof RequestRefusedError ? err.status : statusForCode(err.code);
}

/** Build the problem body for an AppError; `details` (e.g. `cycle`, `collection`) ride along as extra members. */
export function problemFromAppError(err: AppError, status: number = statusOf(err)): Problem {
  const { issues, ...extra } = err.details as { issues?: FieldIssue[] } & Record<string, unknown>;
  return {
    ...extra,
    type: `urn:jobgraph:problem:${err.code}`,
    title: err instanceof RequestRefusedError ? err.title : (TITLES[err.code] ?? TITLES.internal),
    status,
    code: err.code,
    detail: err.message.length > MAX_DETAIL ? `${err.message.slice(0, MAX_DETAIL)}…` : err.message,
    ...(issues ? { issues: capIssues(issues) } : {}),
  };
}

/** Write `problem` as the response. */
export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  });
}

/** Map anything thrown by a handler to a problem response; unexpected errors are logged and become 500s. */
export function errorToResponse(err: unknown, c: Context, logger: Logger): Response {
  if (err instanceof AppError) {
    const status = statusOf(err);
    if (status >= 500) logger.error({ err, path: c.req.path }, 'request failed');
    return problemResponse(c, problemFromAppError(err, status));
  }
  if (err instanceof HTTPException) {
    // Hono's validators throw these for unreadable bodies: malformed JSON (400), wrong media type (415).
    const status = err.status as ContentfulStatusCode;
    const code: ErrorCode = status < 500 ? ERROR_CODES.VALIDATION : ERROR_CODES.INTERNAL;
    const detail =
      status === 400
        ? `${err.message || 'Bad request'}: the body must be a JSON document`
        : status === 415
          ? `${err.message}: send the body as application/json`
          : err.message;
    return problemResponse(c, {
      ...problemFromAppError(new AppError(code, detail), status),
      title: err.message || TITLES[code],
    });
  }
  logger.error({ err, path: c.req.path }, 'unexpected error');
  return problemResponse(c, problemFromAppError(new AppError(ERROR_CODES.INTERNAL, 'unexpected error'), 500));
}

/**
 * The OpenAPIHono `defaultHook`: a request that fails its route's zod schema (body, params,
 * query) becomes a 422 problem whose issues name the field path (`attempts[0].job`).
 */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return problemResponse(c, problemFromAppError(new ValidationError(zodIssues(result.error))));
}
