import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger: JSON lines on stderr (stdout stays free for `--json` output).
 * Bind context with `logger.child({ workflow, job, worker })`.
 */
export function createLogger(level: string = 'info', name = 'jobgraph'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
