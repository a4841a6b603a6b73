/**
 * WAL checkpoints off the event loop. SQLite in WAL mode copies the log back into the
 * database file once it passes `wal_autocheckpoint` pages, in the commit that crossed the
 * mark: better-sqlite3 is synchronous, so that commit — a job's start or completion — blocks
 * the event loop while pages are copied and the file is synced (about a third of SQLite's
 * share of the per-job cost of tiny jobs, issue 13). A long-running store checkpoints from
 * a worker thread instead, on a connection of its own, in PASSIVE mode: it never waits for
 * or blocks the writers. The store's own connection keeps an automatic checkpoint as a
 * backstop at a higher mark, and goes back to the default one if the thread fails, so the
 * log stays bounded either way.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One checkpoint's answer: frames in the log, and how many of them are in the database now. */
export interface CheckpointStats {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** How often to checkpoint. @default 250 */
  everyMs?: number;
  /** Hears each checkpoint that copied frames. */
  onCheckpoint?: (stats: CheckpointStats) => void;
  /** The thread failed or ended by itself: checkpoints are the store connection's again. */
  onFailure?: (err: Error) => void;
}

export interface WalCheckpointer {
  /** Stop checkpointing and close the thread's connection; resolves once the thread has ended. */
  stop(): Promise<void>;
}

/** The thread: CommonJS run with `eval`, the driver's path handed in (it resolves from here, not from the cwd). */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    const [stats] = db.pragma('wal_checkpoint(PASSIVE)');
    if (stats && stats.checkpointed > 0) parentPort.postMessage(stats);
  } catch (err) {
    // Another connection is checkpointing (SQLITE_BUSY): the next tick tries again.
    if (!(err && err.code === 'SQLITE_BUSY')) throw err;
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Start checkpointing the database file at `path` (in WAL mode) from a worker thread. */
export function startWalCheckpointer(path: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { driver, path, everyMs: options.everyMs ?? 250 },
  });
  // Never what keeps a process alive: the store's close() stops it, and a process that exits
  // without closing leaves a log that the next open recovers.
  thread.unref();
  let stopping = false;
  const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.on('message', (stats: CheckpointStats) => options.onCheckpoint?.(stats));
  thread.on('error', (err) => options.onFailure?.(err));
  thread.once('exit', (code) => {
    if (!stopping) options.onFailure?.(new Error(`WAL checkpoint thread ended (code ${code})`));
  });
  return {
    async stop() {
      if (!stopping) {
        stopping = true;
        // Held now: a process whose last work is this wait must not see an empty event loop.
        thread.ref();
        thread.postMessage('stop');
      }
      await ended;
    },
  };
}
