import type { Context } from 'hono';
import { AppError, ERROR_CODES } from '../core/errors.js';
import { EDGE_COLLECTIONS, WORKFLOW_COLLECTIONS } from '../core/model.js';
import { problemFromAppError, problemResponse } from './problem.js';

const KNOWN_SEGMENTS = new Set<string>([...WORKFLOW_COLLECTIONS, 'edges', 'start', 'status']);

function unknownCollection(name: string, known: readonly string[], kind: string): AppError {
  return new AppError(ERROR_CODES.NOT_FOUND, `unknown ${kind} "${name}"; expected one of ${known.join(', ')}`, {
    collection: name,
  });
}

/**
 * The 404 for requests no route matched. Per-collection routes are registered for known
 * collections only, so `/workflows/{wf}/{name}` with an unknown name lands here and the
 * problem names the collection (`collections/<name>`).
 */
export function notFoundResponse(c: Context): Response {
  const path = c.req.path;
  const edge = /^\/api\/v1\/workflows\/[^/]+\/edges\/([^/]+)/.exec(path);
  if (edge && !(EDGE_COLLECTIONS as readonly string[]).includes(decodeURIComponent(edge[1]!))) {
    return problemResponse(
      c,
      problemFromAppError(unknownCollection(decodeURIComponent(edge[1]!), EDGE_COLLECTIONS, 'edge collection')),
    );
  }
  const doc = /^\/api\/v1\/workflows\/[^/]+\/([^/]+)/.exec(path);
  if (doc && !KNOWN_SEGMENTS.has(decodeURIComponent(doc[1]!))) {
    return problemResponse(
      c,
      problemFromAppError(unknownCollection(decodeURIComponent(doc[1]!), WORKFLOW_COLLECTIONS, 'collection')),
    );
  }
  return problemResponse(
    c,
    problemFromAppError(new AppError(ERROR_CODES.NOT_FOUND, `no route for ${c.req.method} ${path}`, { path })),
  );
}
