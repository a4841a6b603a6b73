/**
 * A TCP proxy a test controls, put between a worker and the API to lose HTTP answers on purpose
 * (issue 9): it forwards bytes both ways and, for requests whose request line is a given
 * `METHOD path`, can
 * - `cut`: forward the request, and when the API begins to answer (so it has committed),
 *   drop the answer and close both sides;
 * - `hold`: forward the request and keep back the answer (the test may kill the API then);
 *   the worker's side is closed when the API's side closes;
 * - `refuse`: answer `503` problem+json itself without forwarding anything;
 * - `delay`: forward the request, and the answer only after a given time (a loaded API).
 * It parses nothing but request lines at the start of a chunk: enough for one HTTP/1.1
 * request at a time per connection, which is how the worker's fetch sends them.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

type Mode = 'cut' | 'hold' | 'refuse' | 'delay';

interface Rule {
  mode: Mode;
  line: string;
  left: number;
  /** `delay`: how long the answer is kept back. */
  delayMs?: number;
  /** Called when the rule acts on a request (for `cut`/`hold`: when the answer begins). */
  onAct?: (at: number) => void;
}

/** What the proxy did, in order, with the time of each act (ms since the epoch). */
export interface ProxyAct {
  mode: Mode;
  line: string;
  at: number;
}

export interface AnswerLosingProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly acts: readonly ProxyAct[];
  /** Cut the answers of the next `count` requests `METHOD path`; resolves at the first cut. */
  cut(method: string, path: string, count?: number): Promise<number>;
  /** Hold the answer of the next request `METHOD path`; resolves when the API has begun answering. */
  hold(method: string, path: string): Promise<number>;
  /** Answer the next `count` requests `METHOD path` with 503 without forwarding them. */
  refuse(method: string, path: string, count: number): void;
  /** Keep back the answer of the next request `METHOD path` for `ms`; resolves when the API has begun answering. */
  delay(method: string, path: string, ms: number): Promise<number>;
  close(): Promise<void>;
}

const REFUSAL_BODY = JSON.stringify({
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  code: 'service_unavailable',
  detail: 'refused by the test proxy',
});
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n' +
  `content-length: ${Buffer.byteLength(REFUSAL_BODY)}\r\nconnection: close\r\n\r\n${REFUSAL_BODY}`;

/** Start a proxy on a free port of 127.0.0.1 forwarding to `targetPort` there. */
export async function startAnswerLosingProxy(targetPort: number): Promise<AnswerLosingProxy> {
  const rules: Rule[] = [];
  const acts: ProxyAct[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const act = (rule: Rule) => {
    const at = Date.now();
    acts.push({ mode: rule.mode, line: rule.line, at });
    rule.onAct?.(at);
  };

  const server: Server = createServer((client) => {
    track(client);
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    /** The rule whose request is in flight on this connection. */
    let doomed: Rule | undefined;
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1', 0, Math.min(chunk.length, 300));
      const rule = rules.find((r) => r.left > 0 && head.startsWith(`${r.line} HTTP/`));
      if (rule) {
        rule.left--;
        if (rule.mode === 'refuse') {
          act(rule);
          upstream.destroy();
          client.end(REFUSAL);
          return;
        }
        doomed = rule;
      }
      upstream.write(chunk);
    });
    /** A delayed answer, and whatever follows it on this connection, kept back in order. */
    let late: Buffer[] | undefined;
    upstream.on('data', (chunk: Buffer) => {
      if (late) {
        late.push(chunk);
        return;
      }
      if (!doomed) {
        client.write(chunk);
        return;
      }
      const rule = doomed;
      doomed = undefined;
      act(rule);
      if (rule.mode === 'delay') {
        late = [chunk];
        setTimeout(() => {
          for (const c of late!) client.write(c);
          late = undefined;
        }, rule.delayMs);
        return;
      }
      if (rule.mode === 'cut') {
        client.destroy();
        upstream.destroy();
        return;
      }
      // hold: nothing more goes to the worker; its side closes with the API's.
      upstream.removeAllListeners('data');
      upstream.on('data', () => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const add = (mode: Mode, method: string, path: string, count: number, delayMs?: number) =>
    new Promise<number>((resolve) => {
      let first = true;
      rules.push({
        mode,
        line: `${method} ${path}`,
        left: count,
        delayMs,
        onAct: (at) => {
          if (first) resolve(at);
          first = false;
        },
      });
    });

  return {
    url: `http://127.0.0.1:${port}`,
    acts,
    cut: (method, path, count = 1) => add('cut', method, path, count),
    hold: (method, path) => add('hold', method, path, 1),
    refuse: (method, path, count) => void add('refuse', method, path, count),
    delay: (method, path, ms) => add('delay', method, path, 1, ms),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
