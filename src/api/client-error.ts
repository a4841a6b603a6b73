/**
 * Requests Node's HTTP parser rejects before any route runs — headers too large, bad
 * chunking, `Content-Length: -1`, a method it does not know — are answered here with a
 * problem+json body like every other error (Node's default is a bare `400` with no body),
 * and the connection is closed: after a parse error the rest of the stream is unreadable.
 */
import type { Duplex } from 'node:stream';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problemFromAppError, RequestRefusedError } from './problem.js';

/** Status, reason phrase and problem title per parser error code; anything else is a 400. */
const STATUS: Record<string, [ContentfulStatusCode, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout'],
  ERR_HTTP_HEADERS_TIMEOUT: [408, 'Request Timeout', 'Request timeout'],
};

/** Why the parser refused the request, in words (Node's messages read "Parse Error: Invalid method encountered"). */
function reason(err: NodeJS.ErrnoException): string {
  return err.message.replace(/^Parse Error:\s*/, '') || String(err.code);
}

/** The raw HTTP response for a request the parser refused with `err`. */
export function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const [status, text, title] = STATUS[err.code ?? ''] ?? [400, 'Bad Request', 'Bad request'];
  const refusal = new RequestRefusedError(
    status,
    title,
    `the request could not be read: ${reason(err)}`,
    [{ path: '(request)', message: reason(err) }],
    { reason: err.code },
  );
  const body = JSON.stringify(problemFromAppError(refusal));
  return (
    `HTTP/1.1 ${status} ${text}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * The server's `clientError` listener. As Node's own handler does, it writes nothing when
 * the client is gone or a response on this connection has already begun (writing then would
 * corrupt it): it only closes the connection.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(err));
}
