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
 * A path segment as the client meant it; a malformed escape (`%FF`, `%E0%A4%A`) is shown as
 * sent rather than thrown: decodeURIComponent throws URIError on it, which was a 500.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The 404 for requests no route matched. Per-collection routes are registered for known
 * collections only, so `/workflows/{wf}/{name}` with an unknown name lands here and the
 * problem names the collection (`collections/<name>`).
 */
export function notFoundResponse(c: Context): Response {
  const path = c.req.path;
  const edge = /^\/api\/v1\/workflows\/[^/]+\/edges\/([^/]+)/.exec(path);
  const edgeName = edge && decodeSegment(edge[1]!);
  if (edgeName !== null && !(EDGE_COLLECTIONS as readonly string[]).includes(edgeName)) {
    return problemResponse(c, problemFromAppError(unknownCollection(edgeName, EDGE_COLLECTIONS, 'edge collection')));
  }
  const doc = /^\/api\/v1\/workflows\/[^/]+\/([^/]+)/.exec(path);
  const docName = doc && decodeSegment(doc[1]!);
  if (docName !== null && !KNOWN_SEGMENTS.has(docName)) {
    return problemResponse(c, problemFromAppError(unknownCollection(docName, WORKFLOW_COLLECTIONS, 'collection')));
  }
  return problemResponse(
    c,
    problemFromAppError(new AppError(ERROR_CODES.NOT_FOUND, `no route for ${c.req.method} ${path}`, { path })),
  );
}
