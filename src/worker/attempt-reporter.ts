/**
 * Reports attempt starts and completions to the API, micro-batched (see MicroBatcher):
 * a lone call goes out at once; calls made while one is in flight go out together when
 * it returns.
 *
 * Completions are never lost: a failed send is retried with backoff for as long as the
 * worker lives (the API may be restarting), except when the API rejects the request as
 * invalid, which no retry can fix. Starts are retried only briefly: a start that cannot
 * be made leaves the job `queued` in the graph, and the scheduler's reconcile re-queues it.
 * A start that did commit but whose answer was lost is answered `ok` again when retried (the
 * API treats a repeat from the same worker as idempotent); if every retry fails too, the
 * attempt is not held here, the heartbeat says so, and the scheduler re-queues it (issue 9).
 *
 * The reporter also knows which attempts this worker holds (see {@link AttemptReporter.held}):
 * from the moment a start is asked for until its refusal, or until its completion is answered.
 *
 * On shutdown the retries are bounded: starts stop retrying at once (`abortStarts`), and
 * completions are retried until `close`'s deadline, when the request in flight is canceled
 * too, so that what could not be delivered is known and counted before the process exits.
 */
import { heldAttemptId } from '../queue/heartbeat-report.js';
import type { z } from 'zod';
import { AppError, ERROR_CODES, UnavailableError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type {
  CompleteAttemptSchema,
  CompleteOutcomeSchema,
  StartOutcomeSchema,
} from '../core/schemas/worker-protocol.js';
import { backoffMs, MicroBatcher } from './micro-batcher.js';

/** One attempt to start. */
export interface StartItem {
  workflow: string;
  job: string;
  attempt: number;
}
export type StartAnswer = z.infer<typeof StartOutcomeSchema>;
/** One finished attempt to record. */
export type CompleteItem = z.infer<typeof CompleteAttemptSchema>;
export type CompleteAnswer = z.infer<typeof CompleteOutcomeSchema>;

/** Options for {@link AttemptReporter}. */
export interface AttemptReporterOptions {
  /**
   * Send starts. `stopRetrying` is aborted when the reporter stops starting: make no more
   * retries, but let a request in flight finish (the API may have started its attempts).
   */
  sendStarts: (items: StartItem[], stopRetrying: AbortSignal) => Promise<StartAnswer[]>;
  /** Send completions. `giveUp` is aborted at `close`'s deadline: cancel the request in flight. */
  sendCompletes: (items: CompleteItem[], giveUp: AbortSignal) => Promise<CompleteAnswer[]>;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Retries of a failed start batch (on unavailability only) before its starts fail.
   * @default 3
   */
  startRetries?: number;
  /** @default 200 */
  retryBaseMs?: number;
  /** @default 10000 */
  retryMaxMs?: number;
  /** @default 1000 */
  maxBatch?: number;
}

/** Whether retrying can help: the API was unreachable or failed on its side, not a refusal of the request. */
function isRetryable(err: unknown): boolean {
  if (!(err instanceof AppError)) return true; // a bug or a network oddity: try again
  return err.code !== ERROR_CODES.VALIDATION && err.code !== ERROR_CODES.NOT_FOUND;
}

export class AttemptReporter {
  private readonly starts: MicroBatcher<StartItem, StartAnswer>;
  private readonly completes: MicroBatcher<CompleteItem, CompleteAnswer>;
  private readonly logger: Logger;
  private readonly stopStarting = new AbortController();
  private readonly giveUp = new AbortController();
  /** Completions submitted and not (yet) accepted or refused by the API. */
  private readonly undelivered = new Set<CompleteItem>();
  /** Attempts held: start asked for and not refused, completion not yet answered. */
  private readonly holding = new Map<string, StartItem>();
  private readonly closeReason = new UnavailableError('attempt reporter closed before the API accepted the report');

  constructor(opts: AttemptReporterOptions) {
    this.logger = opts.logger ?? silentLogger;
    const base = opts.retryBaseMs ?? 200;
    const max = opts.retryMaxMs ?? 10_000;
    const startRetries = opts.startRetries ?? 3;
    this.starts = new MicroBatcher({
      send: (items) => opts.sendStarts(items, this.stopStarting.signal),
      maxBatch: opts.maxBatch,
      retryDelayMs: (err, failures) =>
        err instanceof UnavailableError && failures <= startRetries ? backoffMs(failures, base, max) : undefined,
      onRetry: (err, failures, size, delayMs) =>
        this.logger.warn({ err, failures, size, delayMs }, 'start report failed; retrying'),
    });
    this.completes = new MicroBatcher({
      send: (items) => opts.sendCompletes(items, this.giveUp.signal),
      maxBatch: opts.maxBatch,
      retryDelayMs: (err, failures) => (isRetryable(err) ? backoffMs(failures, base, max) : undefined),
      onRetry: (err, failures, size, delayMs) =>
        this.logger.warn({ err, failures, size, delayMs }, 'completion report failed; retrying'),
    });
  }

  /** Ask the API to start an attempt; resolves with its answer (`ok: false` = refused). */
  start(item: StartItem): Promise<StartAnswer> {
    // Held before the request leaves: a heartbeat built after the start could have committed
    // must list it, or the scheduler would take a running attempt for an abandoned one.
    const id = heldAttemptId(item);
    this.holding.set(id, { workflow: item.workflow, job: item.job, attempt: item.attempt });
    const answer = this.starts.submit(item);
    answer.then(
      (a) => a.ok || this.holding.delete(id),
      () => this.holding.delete(id),
    );
    return answer;
  }

  /**
   * The attempts this worker holds: started (or being started) and not yet reported done —
   * a completion still being retried counts, since the graph still has the attempt `running`.
   * Sent with each heartbeat; a `running` attempt its live worker does not hold is re-queued.
   */
  held(): StartItem[] {
    return [...this.holding.values()];
  }

  /**
   * Record a finished attempt; resolves with the API's answer once it is recorded.
   * Rejects only when the API rejected the request as invalid or the reporter was closed first.
   */
  complete(item: CompleteItem): Promise<CompleteAnswer> {
    const answer = this.completes.submit(item);
    this.undelivered.add(item);
    const id = heldAttemptId(item);
    answer.then(
      () => {
        this.undelivered.delete(item);
        this.holding.delete(id);
      },
      // Refused as invalid: answered, not lost. Given up at close: lost.
      (err: unknown) => {
        this.holding.delete(id);
        if (err !== this.closeReason) this.undelivered.delete(item);
      },
    );
    return answer;
  }

  /**
   * Stop starting: starts waiting (or waiting out a backoff) are rejected, and so are
   * later ones; a start request in flight makes no more retries but may still finish (the
   * API may have acted on it). Completions are unaffected.
   */
  abortStarts(): void {
    this.stopStarting.abort('the worker is stopping');
    this.starts.abort(new UnavailableError('attempt reporter no longer starts jobs'));
  }

  /** Resolves once every start and completion made so far has been answered or given up. */
  async flush(): Promise<void> {
    await Promise.all([this.starts.drained(), this.completes.drained()]);
  }

  /**
   * Flush, waiting at most `deadlineMs` (default: no limit) for completions still being
   * retried; then give up what is left — the request in flight is canceled — and log each
   * completion given up in full at error level.
   * @returns the completions that were given up (submitted, never accepted or refused).
   */
  async close(deadlineMs?: number): Promise<CompleteItem[]> {
    if (deadlineMs === undefined) {
      await this.flush();
    } else {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
      clearTimeout(timer);
    }
    this.stopStarting.abort('the reporter is closed');
    this.giveUp.abort('the reporter is closed');
    this.starts.abort(this.closeReason);
    this.completes.abort(this.closeReason);
    // A completion request in flight ends promptly now that it is canceled; its items count too.
    // (Starts are not waited for: the worker closes the reporter after its loop has ended.)
    await this.completes.drained();
    const lost = [...this.undelivered];
    for (const item of lost) this.logger.error({ result: item }, 'completion could not be reported before shutdown');
    return lost;
  }
}
