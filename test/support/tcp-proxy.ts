/**
 * A TCP proxy a test controls, to make a network partition between two real processes
 * (firewall rules are not available to tests): `cut()` resets every connection through it and
 * resets each new one at once, as a host whose links went down would look to its peers;
 * `heal()` lets new connections through again. Connections cut stay cut: clients reconnect,
 * as they must after a real partition.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Whether it is cut now. */
  readonly isCut: boolean;
  /** Connections passing through now (client side). */
  readonly connections: number;
  /** Connections accepted and passed through since the start (not those reset while cut). */
  readonly accepted: number;
  /** `url` with its host and port replaced by the proxy's (e.g. a `redis://` or `http://` URL). */
  via(url: string): string;
  /** Reset every connection, and every new one until {@link TcpProxy.heal}. */
  cut(): void;
  /** Let new connections through again. */
  heal(): void;
  /** Stop listening and reset every connection. */
  close(): Promise<void>;
}

/** Start a proxy on a free loopback port to `target` (`host:port` of the real service). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let isCut = false;
  let accepted = 0;
  const server: Server = createServer((client) => {
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // Either side ending or failing ends both: the proxy holds nothing half-open.
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.setNoDelay(true);
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const resetAll = () => {
    for (const [client, upstream] of [...pairs]) {
      // A reset, not a FIN: the peers must not read it as an orderly close.
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };
  return {
    port,
    get isCut() {
      return isCut;
    },
    get connections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString().replace(/\/$/, '');
    },
    cut() {
      isCut = true;
      resetAll();
    },
    heal() {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        resetAll();
        server.close(() => resolve());
      }),
  };
}
