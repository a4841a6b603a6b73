/**
 * Every JSON request body passes here before a route validates it: read with a byte limit
 * (413 as soon as it is passed, without reading the rest), decoded as strict UTF-8 (400:
 * invalid bytes were stored as U+FFFD), parsed (400), and checked for depth and `__proto__`
 * keys (422 naming the path; see json-shape.ts). The parsed value is handed to the route's
 * validator so the body is parsed once.
 *
 * Bodies of other media types are left to the routes (which answer 415), except that a
 * declared Content-Length over the limit is refused at once.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_MAX_STRING_BYTES } from '../core/config.js';
import { jsonShapeIssue, MAX_JSON_DEPTH } from '../core/schemas/json-shape.js';
import { exceedsBytes } from '../core/schemas/string-limits.js';
import { formatMemory } from '../core/units.js';
import { longStringsAllowed } from './long-string-fields.js';
import { RequestRefusedError } from './problem.js';

/** What the guard allows. */
export interface BodyLimits {
  /** Largest body read, in bytes (`JOBGRAPH_MAX_BODY_BYTES`). */
  maxBodyBytes: number;
  /** Deepest nesting. @default MAX_JSON_DEPTH */
  maxDepth?: number;
  /** Longest string or key where no schema caps it, in UTF-8 bytes (`JOBGRAPH_MAX_STRING_BYTES`). @default 1 MiB */
  maxStringBytes?: number;
}

/** The media types Hono's JSON validator reads: `application/json` and `application/*+json`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

function tooLarge(limits: BodyLimits): RequestRefusedError {
  return new RequestRefusedError(
    413,
    'Payload too large',
    `the body is larger than ${formatMemory(limits.maxBodyBytes)} (${limits.maxBodyBytes} bytes, JOBGRAPH_MAX_BODY_BYTES)`,
    [{ path: '(body)', message: `more than ${limits.maxBodyBytes} bytes` }],
    { limit: limits.maxBodyBytes },
  );
}

function invalid(path: string, message: string): RequestRefusedError {
  return new RequestRefusedError(422, 'Validation failed', `${path}: ${message}`, [{ path, message }]);
}

function unreadable(message: string): RequestRefusedError {
  return new RequestRefusedError(400, 'Bad request', `the body ${message}`, [{ path: '(body)', message }]);
}

/**
 * The body's bytes, or undefined once they pass `max` (the rest is left unread: the server
 * drains or closes the connection after the 413).
 */
async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      // The client broke the body off (or Node's parser refused the rest and answered it).
      throw unreadable(`could not be read: ${(err as Error).message}`);
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      reader.releaseLock();
      return undefined;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Make `text` what later reads of the (spent) body stream return. Hono keeps promises in
 * `bodyCache` although its type says plain values; the other body readers derive from it.
 */
function cacheBodyText(c: Context, text: string): void {
  c.req.bodyCache.text = Promise.resolve(text) as unknown as string;
}
const NO_BODY = Symbol('no body');

/** Read, decode, parse and check the JSON body of `c`; throws RequestRefusedError. */
async function readJsonBody(c: Context, limits: BodyLimits): Promise<unknown> {
  const bytes = c.req.raw.body ? await readAtMost(c.req.raw.body, limits.maxBodyBytes) : new Uint8Array(0);
  if (!bytes) throw tooLarge(limits);
  if (bytes.byteLength === 0) {
    // No body after all (chunked, empty): routes where the body is optional read it as absent.
    cacheBodyText(c, '');
    return NO_BODY;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw unreadable('is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw unreadable(`is not a JSON document: ${(err as Error).message}`);
  }
  const issue = jsonShapeIssue(value, {
    maxDepth: limits.maxDepth ?? MAX_JSON_DEPTH,
    maxStringBytes: limits.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES,
    longAllowed: longStringsAllowed(c.req.path),
  });
  if (issue) throw invalid(issue.path, issue.message);
  // The stream is spent: later readers get the text, the route's validator the parsed value.
  cacheBodyText(c, text);
  return value;
}

/** Refuse a query parameter (name or value) over the string cap; Node's 16 KiB header limit is the first net. */
function checkQuery(c: Context, maxBytes: number): void {
  const url = c.req.url;
  if (!exceedsBytes(url, maxBytes)) return;
  for (const [name, value] of new URL(url).searchParams) {
    if (exceedsBytes(name, maxBytes)) throw invalid('query', `a parameter name longer than ${maxBytes} bytes`);
    if (exceedsBytes(value, maxBytes))
      throw invalid(`query.${name}`, `longer than ${maxBytes} bytes (JOBGRAPH_MAX_STRING_BYTES)`);
  }
}

/** The middleware; install it before the routes. */
export function bodyGuard(limits: BodyLimits): MiddlewareHandler {
  return async (c, next) => {
    checkQuery(c, limits.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES);
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = Number(c.req.header('content-length'));
    if (declared > limits.maxBodyBytes) throw tooLarge(limits);
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType) || declared === 0) return next();
    const value = await readJsonBody(c, limits);
    // Hono's JSON validator reads `c.req.json()`; answering with the checked value spares a second parse.
    if (value !== NO_BODY) c.req.json = <T>() => Promise.resolve(value as T);
    return next();
  };
}
