import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeApp } from './app.js';
import { answerClientError } from './client-error.js';

/** Where to listen. `port: 0` picks a free port; the returned `url` has the real one. */
export interface ServeOptions {
  host: string;
  port: number;
  /** Serve HTTPS with this certificate and key (PEM files; `--tls-cert`/`--tls-key`). */
  tls?: { certFile: string; keyFile: string };
}

/** A listening API. */
export interface RunningApi {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** Stop listening, drop open connections, and release what the app opened. Idempotent. */
  close(): Promise<void>;
}

/** Put `app` on a port with @hono/node-server; resolves once it listens. */
export async function serveApi(app: OpenAPIHono, options: ServeOptions): Promise<RunningApi> {
  let server: ReturnType<typeof serve> | undefined;
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve(
      {
        fetch: app.fetch,
        hostname: options.host,
        port: options.port,
        ...(options.tls && {
          createServer: createHttpsServer,
          serverOptions: { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        }),
      },
      resolve,
    );
    server.once('error', reject);
  });
  const listening = server!;
  listening.on('clientError', answerClientError);
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost(options.host)}:${info.port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          // Keep-alive connections would hold close() open until they time out.
          if ('closeAllConnections' in listening) listening.closeAllConnections();
        });
        await closeApp(app);
      })();
      return closing;
    },
  };
}

/** A host clients can connect to: wildcard binds are reached on loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
