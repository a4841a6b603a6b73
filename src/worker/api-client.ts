/**
 * The worker's typed client for the few API calls it makes. Responses are validated with
 * the shared protocol schemas; an error response (`application/problem+json`) becomes the
 * matching AppError with the problem's `detail` as message.
 *
 * Connection failures are retried with backoff (the API may be restarting). A request
 * that may have reached the API (reset, timeout) is retried only when repeating it is
 * harmless: completions and starts are idempotent (a repeated start from the same worker
 * is answered `ok` again, issue 9), registration and status reads are harmless.
 *
 * Each call takes AbortSignals (see RequestOptions): the worker stops, or its time to flush
 * reports ran out, and a request gives up rather than retry for a minute.
 */
import { z } from 'zod';
import { AppError, ERROR_CODES, UnavailableError, ValidationError, type ErrorCode } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { zodIssues } from '../core/zod-issues.js';
import {
  CompleteAttemptsResponseSchema,
  WorkflowStatusResponseSchema,
  type InProcessWorkerApi,
  type WorkflowStatusResponse,
  RegisterWorkerResponseSchema,
  StartAttemptsResponseSchema,
  type CompleteAttemptsRequest,
  type CompleteAttemptsResponse,
  type RegisterWorkerResponse,
  type StartAttemptsRequest,
  type StartAttemptsResponse,
} from '../core/schemas/worker-protocol.js';
import { backoffMs } from './micro-batcher.js';

/** Body of `POST /api/v1/workers` (the request schema's input type: `num_gpus` may be omitted). */
export interface RegisterWorkerBody {
  hostname: string;
  pid: number;
  num_cpus: number;
  memory_bytes: number;
  num_gpus?: number;
  workflow?: string;
  allocation?: string;
  /** The cloud instance the worker runs on (`worker start --imds`). */
  instance_id?: string;
  instance_type?: string;
  zone?: string;
  market?: string;
}

/** Options for {@link ApiClient}. */
export interface ApiClientOptions {
  /** API base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Retries of a request that failed to connect, with exponential backoff.
   * @default 8 (about 15 s with the default backoff)
   */
  connectRetries?: number;
  /** @default 200 */
  retryBaseMs?: number;
  /** @default 5000 */
  retryMaxMs?: number;
  /**
   * Per-request timeout.
   * @default 120000
   */
  timeoutMs?: number;
  /**
   * How requests are sent. `jobgraph run` passes the in-process API's handler, so the
   * worker it embeds skips loopback HTTP.
   * @default globalThis.fetch
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /**
   * The worker protocol's hot calls answered in this process (api/in-process-worker-api.ts):
   * `jobgraph run` passes its API's operations, so starts, completions and status reads build
   * no HTTP request at all. The other calls still go through `fetch`.
   */
  inProcess?: InProcessWorkerApi;
  /** Sent as `Authorization: Bearer …` (servers with authentication). */
  token?: string;
}

/** Errors where the request surely never reached the API. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const KNOWN_CODES = new Set<string>(Object.values(ERROR_CODES));

/** Options of one request. */
export interface RequestOptions {
  /** Aborted: the request in flight is canceled, a retry waiting is not made; the call fails with UnavailableError. */
  signal?: AbortSignal;
  /**
   * Aborted: no retry is made any more, but a request in flight may still finish — for
   * requests that must not be cut once the API may have acted on them (starts).
   */
  stopRetrying?: AbortSignal;
  /**
   * Retry a request that cannot reach the API until `signal` is aborted, whatever the client's
   * `connectRetries` (a worker's registration: the API may not be up yet).
   */
  retryUntilAborted?: boolean;
  /** Told of each failed try before its retry: how to say so where a person looks. */
  onRetry?: (failure: { failures: number; delayMs: number; reason: string }) => void;
}

/** Wait `ms`, or less when one of `signals` is aborted first. */
function pause(ms: number, signals: Array<AbortSignal | undefined>): Promise<void> {
  if (signals.some((s) => s?.aborted)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s?.addEventListener('abort', done, { once: true });
  });
}

/** Turn an error response into the matching AppError. */
async function errorFromResponse(res: Response, what: string): Promise<AppError> {
  const text = await res.text().catch(() => '');
  let problem: { code?: unknown; detail?: unknown; issues?: unknown } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // not problem+json (a proxy's page, say): fall back to the status
  }
  const detail =
    typeof problem.detail === 'string' ? problem.detail : `${what}: HTTP ${res.status} ${text.slice(0, 200)}`.trim();
  const code: ErrorCode =
    typeof problem.code === 'string' && KNOWN_CODES.has(problem.code)
      ? (problem.code as ErrorCode)
      : res.status === 503 || res.status === 502 || res.status === 504
        ? ERROR_CODES.UNAVAILABLE
        : res.status >= 500
          ? ERROR_CODES.INTERNAL
          : ERROR_CODES.VALIDATION;
  if (code === ERROR_CODES.VALIDATION && Array.isArray(problem.issues)) {
    return new ValidationError(problem.issues as ValidationError['issues'], detail);
  }
  if (code === ERROR_CODES.UNAVAILABLE) return new UnavailableError(detail, { status: res.status });
  return new AppError(code, detail, { status: res.status });
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly fetch: NonNullable<ApiClientOptions['fetch']>;
  private readonly logger: Logger;
  private readonly connectRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number;
  private readonly token: string | undefined;
  private readonly inProcess: InProcessWorkerApi | undefined;

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.token = opts.token;
    this.inProcess = opts.inProcess;
    this.logger = opts.logger ?? silentLogger;
    this.connectRetries = opts.connectRetries ?? 8;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.retryMaxMs = opts.retryMaxMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** `POST /api/v1/workers`: a worker id and the Redis connection for the queues. */
  registerWorker(body: RegisterWorkerBody, options?: RequestOptions): Promise<RegisterWorkerResponse> {
    return this.call('POST', '/api/v1/workers', body, RegisterWorkerResponseSchema, true, options);
  }

  /** `POST /api/v1/attempts/start`: one outcome per attempt, in order. Idempotent per (job, attempt, worker). */
  startAttempts(body: StartAttemptsRequest, options?: RequestOptions): Promise<StartAttemptsResponse> {
    const path = '/api/v1/attempts/start';
    if (this.inProcess) return this.callInProcess(`POST ${path}`, () => this.inProcess!.startAttempts(body), options);
    return this.call('POST', path, body, StartAttemptsResponseSchema, true, options);
  }

  /** `POST /api/v1/attempts/complete`: one outcome per result, in order. Idempotent per (job, attempt). */
  completeAttempts(body: CompleteAttemptsRequest, options?: RequestOptions): Promise<CompleteAttemptsResponse> {
    const path = '/api/v1/attempts/complete';
    if (this.inProcess)
      return this.callInProcess(`POST ${path}`, () => this.inProcess!.completeAttempts(body), options);
    return this.call('POST', path, body, CompleteAttemptsResponseSchema, true, options);
  }

  /** `GET /api/v1/workflows/{wf}/status`. */
  workflowStatus(workflow: string, options?: RequestOptions): Promise<WorkflowStatusResponse> {
    const path = `/api/v1/workflows/${encodeURIComponent(workflow)}/status`;
    if (this.inProcess)
      return this.callInProcess(`GET ${path}`, () => this.inProcess!.workflowStatus(workflow), options);
    return this.call('GET', path, undefined, WorkflowStatusResponseSchema, true, options);
  }

  /** `GET /api/v1/workflows/{wf}`: the `failure_handlers` of the workflow document (undefined when none). */
  failureHandlers(workflow: string, options?: RequestOptions): Promise<unknown> {
    return this.workflowField(workflow, 'failure_handlers', options);
  }

  /** `GET /api/v1/workflows/{wf}`: the `resource_monitor` settings of the workflow document (undefined when none). */
  resourceMonitor(workflow: string, options?: RequestOptions): Promise<unknown> {
    return this.workflowField(workflow, 'resource_monitor', options);
  }

  private async workflowField(workflow: string, field: string, options?: RequestOptions): Promise<unknown> {
    const doc = await this.call(
      'GET',
      `/api/v1/workflows/${encodeURIComponent(workflow)}`,
      undefined,
      z.looseObject({}),
      true,
      options,
    );
    return (doc as Record<string, unknown>)[field];
  }

  /**
   * `POST /api/v1/workflows/{wf}/events`: record an event of the workflow (Direct mode, so it is
   * stored with `source: user`). Give the event a `_key` of its own making: the post is then
   * retried like an idempotent call, and a retry of one that did arrive is answered 409 and
   * taken as done — one event however often it is sent.
   */
  async postEvent(workflow: string, event: { _key: string; type: string; [field: string]: unknown }): Promise<void> {
    try {
      await this.call(
        'POST',
        `/api/v1/workflows/${encodeURIComponent(workflow)}/events`,
        event,
        z.looseObject({ _key: z.string() }),
        true,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ERROR_CODES.CONFLICT) throw err;
    }
  }

  /**
   * A call answered by the API's operation in this process. It cannot be lost on the way, so
   * nothing is retried. The operation's AppErrors are those its HTTP answer would have carried;
   * any other error (a 500 over HTTP) fails the call as that answer would. An aborted `signal`
   * gives up before the call, as over HTTP.
   */
  private async callInProcess<T>(what: string, run: () => Promise<T>, { signal }: RequestOptions = {}): Promise<T> {
    if (signal?.aborted) throw givenUp(what, signal);
    return run();
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    idempotent: boolean,
    { signal, stopRetrying, retryUntilAborted, onRetry }: RequestOptions = {},
  ): Promise<z.output<S>> {
    const what = `${method} ${path}`;
    for (let failures = 0; ; failures++) {
      if (signal?.aborted) throw givenUp(what, signal);
      if (failures > 0 && stopRetrying?.aborted) throw givenUp(what, stopRetrying);
      const request = requestSignal(signal, this.timeoutMs);
      let res: Response;
      try {
        res = await this.fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body !== undefined && { 'content-type': 'application/json' }),
            ...(this.token !== undefined && { authorization: `Bearer ${this.token}` }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: request.signal,
        });
      } catch (err) {
        request.dispose();
        if (signal?.aborted) throw givenUp(what, signal);
        const code = networkCode(err);
        const retryable = idempotent || (code !== undefined && NOT_CONNECTED.has(code));
        if (!retryable || (failures >= this.connectRetries && !retryUntilAborted)) {
          throw new UnavailableError(
            `${what} failed: cannot reach the API at ${this.baseUrl} (${code ?? (err as Error).message})`,
            {
              cause: code,
            },
          );
        }
        const delay = backoffMs(failures + 1, this.retryBaseMs, this.retryMaxMs);
        this.logger.debug({ err, code, failures: failures + 1, delay }, `${what} failed; retrying`);
        onRetry?.({ failures: failures + 1, delayMs: delay, reason: code ?? (err as Error).message });
        await pause(delay, [signal, stopRetrying]);
        continue;
      }
      try {
        if (!res.ok) throw await errorFromResponse(res, what);
        const parsed = schema.safeParse(await res.json().catch(() => undefined));
        if (signal?.aborted) throw givenUp(what, signal);
        if (!parsed.success) {
          const issues = zodIssues(parsed.error).map((i) => `${i.path || '(root)'}: ${i.message}`);
          throw new AppError(ERROR_CODES.INTERNAL, `${what}: unexpected response from the API: ${issues.join('; ')}`);
        }
        return parsed.data;
      } finally {
        request.dispose();
      }
    }
  }
}

/** The error of a request whose signal was aborted. */
function givenUp(what: string, signal: AbortSignal): UnavailableError {
  return new UnavailableError(`${what} given up: ${String(signal.reason ?? 'aborted')}`, { cause: 'aborted' });
}

/**
 * The signal of one request: aborted by `signal` or after `timeoutMs` (covering the body too).
 * Made per request rather than with `AbortSignal.any`, which would tie every request to the
 * worker-long `signal` until it is collected.
 */
function requestSignal(signal: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
