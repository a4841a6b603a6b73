/**
 * A minimal JSON client for the CLI's workflow commands. Problem responses become
 * AppErrors carrying the server's code and detail, so the CLI prints what the API said.
 * Every request carries the client's token (client-token.ts) when one is configured.
 */
import { AppError, ERROR_CODES, UnavailableError, type ErrorCode } from '../core/errors.js';
import { clientToken } from './client-token.js';

export async function apiRequest<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  fetchFn: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<T> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/v1${path}`;
  const bearer = token ?? clientToken();
  let res: Response;
  try {
    res = await fetchFn(url, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new UnavailableError(
      `cannot reach the jobgraph API at ${baseUrl}: ${(err as Error).cause ?? (err as Error).message}`,
    );
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string; issues?: unknown };
    const code = (Object.values(ERROR_CODES) as string[]).includes(problem.code ?? '')
      ? (problem.code as ErrorCode)
      : ERROR_CODES.INTERNAL;
    throw new AppError(code, problem.detail ?? problem.title ?? `HTTP ${res.status}`, {
      status: res.status,
      issues: problem.issues,
    });
  }
  return parsed as T;
}
