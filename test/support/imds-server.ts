/**
 * A small instance metadata service speaking IMDSv2 as EC2 does: `PUT /latest/api/token` with
 * `X-aws-ec2-metadata-token-ttl-seconds` (1–21600, else 400) hands out a token that expires
 * after its TTL; every GET without a valid token is answered 401. Notices are 404 until a test
 * raises one with `interrupt(time)` or `rebalance(time)`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ImdsServerOptions {
  instanceId: string;
  instanceType: string;
  zone: string;
  lifecycle: 'spot' | 'on-demand';
  /** A fixed port (e.g. to come up where a client already polls); default a free one. */
  port?: number;
}

export interface ImdsServer {
  url: string;
  /** Give a Spot interruption notice: terminate at `time`. */
  interrupt(time: Date, action?: string): void;
  /** Give a rebalance recommendation made at `time`. */
  rebalance(time: Date): void;
  /** What it has served, for assertions. */
  counts: { tokens: number; unauthorized: number; gets: number };
  stop(): Promise<void>;
}

/** Whole seconds, as EC2 writes notice times. */
const isoSeconds = (time: Date) => time.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startImdsServer(options: ImdsServerOptions): Promise<ImdsServer> {
  const tokens = new Map<string, number>();
  const counts = { tokens: 0, unauthorized: 0, gets: 0 };
  let instanceAction: string | undefined;
  let rebalanceNotice: string | undefined;

  const metadata = (path: string): string | undefined => {
    switch (path) {
      case 'instance-id':
        return options.instanceId;
      case 'instance-type':
        return options.instanceType;
      case 'placement/availability-zone':
        return options.zone;
      case 'instance-life-cycle':
        return options.lifecycle;
      case 'spot/instance-action':
        return instanceAction;
      case 'events/recommendations/rebalance':
        return rebalanceNotice;
      default:
        return undefined;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://imds');
    const send = (status: number, body = '') => res.writeHead(status, { 'Content-Type': 'text/plain' }).end(body);
    if (url.pathname === '/latest/api/token') {
      if (req.method !== 'PUT') return send(405);
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return send(400);
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, Date.now() + ttl * 1000);
      counts.tokens += 1;
      return send(200, token);
    }
    if (req.method !== 'GET') return send(405);
    counts.gets += 1;
    const token = req.headers['x-aws-ec2-metadata-token'];
    const expires = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expires === undefined || Date.now() >= expires) {
      counts.unauthorized += 1;
      return send(401);
    }
    const prefix = '/latest/meta-data/';
    const value = url.pathname.startsWith(prefix) ? metadata(url.pathname.slice(prefix.length)) : undefined;
    return value === undefined ? send(404) : send(200, value);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    interrupt(time, action = 'terminate') {
      instanceAction = JSON.stringify({ action, time: isoSeconds(time) });
    },
    rebalance(time) {
      rebalanceNotice = JSON.stringify({ noticeTime: isoSeconds(time) });
    },
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
