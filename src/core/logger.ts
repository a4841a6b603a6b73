import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { readableLogLine } from './readable-log-line.js';

export type { Logger };

/** Readable lines on stderr, for a person at a terminal. */
function readableStderr(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) process.stderr.write(readableLogLine(line));
      done();
    },
  });
}

/**
 * The process logger on stderr (stdout stays free for `--json` output): JSON lines, for files,
 * pipes and log collectors — or readable lines when stderr is a terminal.
 * Bind context with `logger.child({ workflow, job, worker })`.
 */
export function createLogger(level: string = 'info', name = 'jobgraph'): Logger {
  if (process.stderr.isTTY) return pino({ name, level }, readableStderr());
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
