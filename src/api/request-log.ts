import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../core/logger.js';

/**
 * One debug line per request (method, path, status, ms): a log at `info` stays quiet under
 * worker traffic. Server errors are logged with their stack where they are mapped (problem.ts).
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
}
