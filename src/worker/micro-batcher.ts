/**
 * Micro-batching without added latency: an item submitted while no request is in flight
 * is sent at once (at the end of the current tick, so items submitted together travel
 * together); items submitted while a request is in flight accumulate and go out together
 * as soon as it returns. Under load the batch size grows with the request latency; idle,
 * every item goes out alone and immediately. No timer ever delays a send.
 *
 * A failed send is retried with backoff as the `retryDelayMs` policy says; items the
 * policy gives up on are rejected. Items keep their order within and across batches.
 */

/** Options for {@link MicroBatcher}. */
export interface MicroBatcherOptions<T, R> {
  /** Send a batch; must answer per item, in order. */
  send: (items: T[]) => Promise<R[]>;
  /**
   * Largest batch sent in one request.
   * @default 1000
   */
  maxBatch?: number;
  /**
   * Delay before retry number `failures` (1 for the first retry) of a batch that failed
   * with `err`; undefined gives up and rejects the batch's items.
   * @default never retry
   */
  retryDelayMs?: (err: unknown, failures: number) => number | undefined;
  /** Called on each failed send that will be retried (for logging). */
  onRetry?: (err: unknown, failures: number, size: number, delayMs: number) => void;
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/** Exponential backoff from `baseMs`, doubling, capped at `maxMs`, with ±20 % jitter. */
export function backoffMs(failures: number, baseMs = 200, maxMs = 10_000): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

export class MicroBatcher<T, R> {
  private readonly send: (items: T[]) => Promise<R[]>;
  private readonly maxBatch: number;
  private readonly retryDelayMs: (err: unknown, failures: number) => number | undefined;
  private readonly onRetry: MicroBatcherOptions<T, R>['onRetry'];
  private queue: Array<Pending<T, R>> = [];
  private inFlight = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private aborted: unknown;
  /** The batch waiting out a backoff, and how to cut that wait short. */
  private backingOff: { batch: Array<Pending<T, R>>; wake: () => void } | undefined;

  constructor(opts: MicroBatcherOptions<T, R>) {
    this.send = opts.send;
    this.maxBatch = opts.maxBatch ?? 1000;
    this.retryDelayMs = opts.retryDelayMs ?? (() => undefined);
    this.onRetry = opts.onRetry;
  }

  /** Submit one item; resolves with its answer once its batch succeeded. */
  submit(item: T): Promise<R> {
    if (this.aborted !== undefined) return Promise.reject(this.aborted);
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is waiting or in flight. */
  drained(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop retrying: the items still waiting (or waiting out a backoff) are rejected with
   * `reason`; later submits are rejected too. A request in flight finishes normally.
   * @returns the items that were given up.
   */
  abort(reason: unknown): T[] {
    this.aborted = reason;
    const dropped = [...(this.backingOff?.batch ?? []), ...this.queue.splice(0)];
    for (const p of dropped) p.reject(reason);
    this.backingOff?.wake();
    this.notifyIdle();
    return dropped.map((p) => p.item);
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.sendWithRetry(batch);
      }
    } finally {
      this.inFlight = false;
      this.notifyIdle();
    }
  }

  private async sendWithRetry(batch: Array<Pending<T, R>>): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        const answers = await this.send(batch.map((p) => p.item));
        if (answers.length !== batch.length) {
          throw new Error(`expected ${batch.length} answers, got ${answers.length}`);
        }
        batch.forEach((p, i) => p.resolve(answers[i]!));
        return;
      } catch (err) {
        const delay = this.aborted === undefined ? this.retryDelayMs(err, failures) : undefined;
        if (delay === undefined) {
          for (const p of batch) p.reject(this.aborted ?? err);
          return;
        }
        this.onRetry?.(err, failures, batch.length, delay);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.backingOff = {
            batch,
            wake: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
        this.backingOff = undefined;
        // abort() rejected this batch while it waited.
        if (this.aborted !== undefined) return;
      }
    }
  }

  private notifyIdle(): void {
    if (this.inFlight || this.queue.length > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
