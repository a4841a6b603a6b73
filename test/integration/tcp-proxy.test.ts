/**
 * The partition proxy the self-fencing test relies on: traffic passes while healed, every
 * connection is reset on a cut and new ones are refused until the heal.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let echo: Server | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await new Promise((r) => (echo ? echo.close(r) : r(undefined)));
  echo = proxy = undefined;
});

async function startEcho(): Promise<number> {
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', () => r()));
  return (echo.address() as { port: number }).port;
}

/** Connect through the proxy; resolves with the socket once it echoed `hello`, or rejects with the failure. */
function roundTrip(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('hello'));
    s.once('data', (d) => (d.toString() === 'hello' ? resolve(s) : reject(new Error(`echoed ${d.toString()}`))));
    s.once('error', reject);
    s.once('close', () => reject(new Error('closed')));
  });
}

it('passes traffic, resets every connection on a cut, refuses new ones until healed', async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: await startEcho() });
  expect(proxy.via('redis://localhost:6379/2')).toBe(`redis://127.0.0.1:${proxy.port}/2`);
  const open = await roundTrip(proxy.port);
  expect(proxy.connections).toBe(1);

  const reset = new Promise<string>((r) => open.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message)));
  proxy.cut();
  expect(await reset).toBe('ECONNRESET');
  expect(proxy.connections).toBe(0);
  await expect(roundTrip(proxy.port)).rejects.toThrow(/ECONNRESET|closed/);
  expect(proxy.accepted).toBe(1);

  proxy.heal();
  const again = await roundTrip(proxy.port);
  expect(proxy.accepted).toBe(2);
  again.destroy();
});
