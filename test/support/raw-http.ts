/**
 * HTTP/1.1 over a plain socket, for requests `fetch` refuses to send: unknown methods, broken
 * chunking, a negative Content-Length, huge headers, bodies that never end. One request per
 * connection; the answer is read until the server closes it (or `timeoutMs`).
 */
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than the timeout ending the read). */
  closed: boolean;
}

function parse(raw: Buffer, closed: boolean): RawAnswer {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/') || end < 0) return { status: 0, headers: {}, body: text, closed };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let at = 0; ;) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, lineEnd), 16);
      if (!(size > 0)) break;
      out += body.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    body = out;
  } else if (headers['content-length'] !== undefined) {
    body = Buffer.from(body).subarray(0, Number(headers['content-length'])).toString('utf8');
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body, closed };
}

/**
 * Send `request` (the raw bytes: request line, headers, body) to `url`'s host and port and read
 * the answer. `more` (optional) is written after the request, chunk by chunk, until the
 * server answers or closes: a body that would never end.
 */
export function rawHttp(
  url: string,
  request: string | Buffer,
  options: { timeoutMs?: number; more?: () => Buffer | undefined } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks), closed));
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 10_000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(request, () => {
      const pump = () => {
        while (!settled && chunks.length === 0) {
          const next = options.more?.();
          if (!next) return;
          if (!socket.write(next)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

/** A request with a JSON body and a correct Content-Length. */
export function jsonRequest(method: string, path: string, body: string | Buffer, extraHeaders = ''): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head =
    `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${bytes.length}\r\nConnection: close\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head), bytes]);
}
