/**
 * One bounded shutdown for every long-running command (`run`, `server`, `api`, `scheduler`,
 * `scale`, `worker start`).
 *
 * The first SIGINT or SIGTERM — or `begin()`, when the work ended by itself — aborts `signal`.
 * Every long-lived piece of the process was handed that signal, and on it stops taking work
 * and stops reconnecting (Redis retry strategies, API retries, scheduler and provisioner
 * passes), so nothing waits for a Redis or an API that is gone. It also starts the deadline:
 * a process still alive when it passes writes one line naming the closing step that was still
 * running (or, once the command had finished, what was left open) and exits with
 * {@link EXIT_DEADLINE}. A second signal exits at once with 128 + its number.
 *
 * The deadline timer is unref'd: it never keeps a finished process alive and fires only while
 * something else does — exactly the hang it exists to end. The signal handlers stay installed
 * until the process exits, so a second Ctrl-C works at any point of the shutdown.
 */
import { setMaxListeners } from 'node:events';
import { constants } from 'node:os';

/** The process ended cleanly. */
export const EXIT_OK = 0;
/** Something could not be done or flushed (a job failed, completions were not delivered, a close failed). */
export const EXIT_FAILED = 1;
/** The shutdown deadline passed; like timeout(1)'s code. */
export const EXIT_DEADLINE = 124;

/** The parts of the process the shutdown touches; the process itself unless a test gives another. */
export interface ShutdownHost {
  /** Listen for `signal`; returns a function that stops listening. */
  onSignal(signal: NodeJS.Signals, listener: () => void): () => void;
  exit(code: number): void;
  /** Write one line (no newline given) where the user sees it. */
  writeLine(line: string): void;
  /** What keeps the process alive (`process.getActiveResourcesInfo()`), named in the deadline line. */
  openResources(): string[];
}

/** The real process. */
export const processHost: ShutdownHost = {
  onSignal(signal, listener) {
    process.on(signal, listener);
    return () => process.off(signal, listener);
  },
  exit: (code) => process.exit(code),
  writeLine: (line) => void process.stderr.write(`${line}\n`),
  openResources: () => process.getActiveResourcesInfo(),
};

/** Options for {@link GracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** Names the process in its lines, e.g. `jobgraph server`. */
  name: string;
  /**
   * From the start of the shutdown to the forced exit: `JOBGRAPH_SHUTDOWN_MS`, plus
   * `JOBGRAPH_TERMINATE_GRACE_MS` where jobs are terminated.
   */
  deadlineMs: number;
  /**
   * What the closing steps keep for themselves after flushes that wait on others (reports an
   * API has not accepted) give up: see {@link GracefulShutdown.flushDeadline}.
   * @default a quarter of `deadlineMs`, at most 2000
   */
  closeReserveMs?: number;
  /** @default ['SIGINT', 'SIGTERM'] */
  signals?: NodeJS.Signals[];
  /** @default processHost */
  host?: ShutdownHost;
}

export class GracefulShutdown {
  private readonly controller = new AbortController();
  /** Aborted (with the reason: the signal's name, or what `begin` was told) when the shutdown begins. */
  readonly signal: AbortSignal = this.controller.signal;
  /** Resolves with the reason once the shutdown begins. */
  readonly requested: Promise<string>;
  private resolveRequested!: (reason: string) => void;
  private readonly host: ShutdownHost;
  private readonly name: string;
  private readonly deadlineMs: number;
  private readonly closeReserveMs: number;
  private readonly removers: Array<() => void>;
  private readonly steps: string[] = [];
  private why: string | undefined;
  private deadlineAt = Number.POSITIVE_INFINITY;
  private signals = 0;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: GracefulShutdownOptions) {
    this.host = options.host ?? processHost;
    this.name = options.name;
    this.deadlineMs = options.deadlineMs;
    this.closeReserveMs = options.closeReserveMs ?? Math.min(2000, options.deadlineMs / 4);
    this.requested = new Promise((resolve) => (this.resolveRequested = resolve));
    // Every Redis connection and loop of the process listens: more than Node's default of 10.
    setMaxListeners(0, this.signal);
    this.removers = (options.signals ?? ['SIGINT', 'SIGTERM']).map((s) =>
      this.host.onSignal(s, () => this.onSignal(s)),
    );
  }

  /** Why the shutdown began; undefined while the process still works. */
  get reason(): string | undefined {
    return this.why;
  }

  /**
   * Begin shutting down (idempotent): abort `signal` and start the deadline. Commands call it
   * when their work ended by itself, so that closing is bounded too.
   */
  begin(reason: string): void {
    if (this.why !== undefined) return;
    this.why = reason;
    this.deadlineAt = Date.now() + this.deadlineMs;
    this.timer = setTimeout(() => this.onDeadline(), this.deadlineMs);
    this.timer.unref();
    this.controller.abort(reason);
    this.resolveRequested(reason);
  }

  /** Milliseconds left before the forced exit; Infinity before the shutdown began. */
  remainingMs(): number {
    return Math.max(0, this.deadlineAt - Date.now());
  }

  /**
   * Epoch ms by which flushes that wait on others (completions an API has not accepted yet)
   * give up, so that what they could not deliver is counted and the closing steps after them
   * still fit before the deadline. Infinity before the shutdown began.
   */
  flushDeadline(): number {
    return this.deadlineAt - this.closeReserveMs;
  }

  /** Run one closing step; if the deadline passes while it runs, the deadline line names it. */
  async step<T>(what: string, run: () => Promise<T> | T): Promise<T> {
    this.steps.push(what);
    try {
      return await run();
    } finally {
      this.steps.splice(this.steps.indexOf(what), 1);
    }
  }

  /**
   * The command is done. Writes `problem` — the one line that says why `code` is not 0 — and
   * begins the shutdown if nothing had, so the deadline still guards the process's exit.
   * @returns `code`
   */
  finish(code: number, problem?: string): number {
    if (problem) this.host.writeLine(`${this.name}: ${problem}`);
    this.finished = true;
    this.begin('finished');
    return code;
  }

  /** Stop listening for signals and cancel the deadline (tests; a process simply exits). */
  dispose(): void {
    for (const remove of this.removers.splice(0)) remove();
    clearTimeout(this.timer);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.signals += 1;
    if (this.signals === 1) {
      const first = this.why === undefined;
      this.begin(signal);
      this.host.writeLine(
        `${this.name}: ${signal}: ${first ? 'stopping' : 'already stopping'}, ` +
          `within ${seconds(this.remainingMs())} s (${signal} again exits at once)`,
      );
      return;
    }
    const code = 128 + (constants.signals[signal] ?? 0);
    const doing = this.steps.length > 0 ? ` while ${this.steps.join(', ')}` : '';
    this.host.writeLine(`${this.name}: second ${signal}${doing}: exiting at once (${code})`);
    this.host.exit(code);
  }

  private onDeadline(): void {
    const what = this.finished
      ? `still running after it finished; open: ${[...new Set(this.host.openResources())].join(', ') || 'nothing'}`
      : this.steps.length > 0
        ? `still ${this.steps.join(', ')}`
        : `still stopping (${this.why})`;
    this.host.writeLine(
      `${this.name}: shutdown did not end within ${seconds(this.deadlineMs)} s (${what}); exiting (${EXIT_DEADLINE})`,
    );
    this.host.exit(EXIT_DEADLINE);
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
