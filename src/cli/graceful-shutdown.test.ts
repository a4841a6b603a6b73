import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/support/process-probes.js';
import { EXIT_DEADLINE, GracefulShutdown, type ShutdownHost } from './graceful-shutdown.js';

/** A process stand-in: signals are emitted by the test, exits and lines are recorded. */
function fakeHost() {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  const host: ShutdownHost = {
    onSignal(signal, listener) {
      signals.on(signal, listener);
      return () => signals.off(signal, listener);
    },
    exit: (code) => void exits.push(code),
    writeLine: (line) => void lines.push(line),
    openResources: () => ['TCPWrap', 'Timeout', 'TCPWrap'],
  };
  return { host, exits, lines, send: (s: NodeJS.Signals) => signals.emit(s), listeners: signals };
}

const made: GracefulShutdown[] = [];
function shutdownWith(host: ShutdownHost, deadlineMs = 60_000, closeReserveMs?: number) {
  const s = new GracefulShutdown({ name: 'jobgraph test', deadlineMs, host, closeReserveMs });
  made.push(s);
  return s;
}
afterEach(() => {
  for (const s of made.splice(0)) s.dispose();
});

describe('GracefulShutdown', () => {
  it('begins on the first signal: aborts its signal with the reason and resolves `requested`', async () => {
    const { host, exits, lines, send } = fakeHost();
    const s = shutdownWith(host);
    expect(s.signal.aborted).toBe(false);
    expect(s.remainingMs()).toBe(Number.POSITIVE_INFINITY);
    send('SIGTERM');
    expect(s.signal.aborted).toBe(true);
    expect(s.signal.reason).toBe('SIGTERM');
    expect(s.reason).toBe('SIGTERM');
    await expect(s.requested).resolves.toBe('SIGTERM');
    expect(exits).toEqual([]);
    expect(lines).toEqual(['jobgraph test: SIGTERM: stopping, within 60 s (SIGTERM again exits at once)']);
    expect(s.remainingMs()).toBeGreaterThan(59_000);
    expect(s.remainingMs()).toBeLessThanOrEqual(60_000);
  });

  it('exits at once with 128 + the signal number on the second signal, naming what was running', async () => {
    const { host, exits, lines, send } = fakeHost();
    const s = shutdownWith(host);
    send('SIGINT');
    let release!: () => void;
    const step = s.step('stopping the worker', () => new Promise<void>((r) => (release = r)));
    send('SIGINT');
    expect(exits).toEqual([130]);
    expect(lines[1]).toBe('jobgraph test: second SIGINT while stopping the worker: exiting at once (130)');
    release();
    await step;
  });

  it('a second SIGTERM exits with 143', () => {
    const { host, exits, send } = fakeHost();
    shutdownWith(host);
    send('SIGTERM');
    send('SIGTERM');
    expect(exits).toEqual([143]);
  });

  it('a signal after the work ended by itself is the first: it does not exit', () => {
    const { host, exits, lines, send } = fakeHost();
    const s = shutdownWith(host);
    s.begin('workflow ended');
    expect(s.signal.reason).toBe('workflow ended');
    send('SIGINT');
    expect(exits).toEqual([]);
    expect(s.reason).toBe('workflow ended');
    expect(lines[0]).toMatch(
      /^jobgraph test: SIGINT: already stopping, within [\d.]+ s \(SIGINT again exits at once\)$/,
    );
    send('SIGINT');
    expect(exits).toEqual([130]);
  });

  it('begin is idempotent: the deadline runs from the first call', () => {
    const { host } = fakeHost();
    const s = shutdownWith(host, 10_000);
    s.begin('one');
    const left = s.remainingMs();
    s.begin('two');
    expect(s.reason).toBe('one');
    expect(s.remainingMs()).toBeLessThanOrEqual(left);
  });

  it('exits with EXIT_DEADLINE when the deadline passes, naming the step still running', async () => {
    const { host, exits, lines } = fakeHost();
    const s = shutdownWith(host, 100);
    s.begin('SIGTERM');
    const started = Date.now();
    void s.step('closing the graph store', () => new Promise(() => undefined));
    await until(() => exits.length > 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(exits).toEqual([EXIT_DEADLINE]);
    expect(lines).toEqual([
      'jobgraph test: shutdown did not end within 0.1 s (still closing the graph store); exiting (124)',
    ]);
  });

  it('after finish, the deadline still guards the exit and names what was left open', async () => {
    const { host, exits, lines } = fakeHost();
    const s = shutdownWith(host, 100);
    expect(s.finish(1, '2 completions could not be delivered to the API')).toBe(1);
    expect(lines[0]).toBe('jobgraph test: 2 completions could not be delivered to the API');
    expect(s.signal.aborted).toBe(true);
    await until(() => exits.length > 0);
    expect(exits).toEqual([EXIT_DEADLINE]);
    expect(lines[1]).toBe(
      'jobgraph test: shutdown did not end within 0.1 s (still running after it finished; open: TCPWrap, Timeout); exiting (124)',
    );
  });

  it('finish with code 0 and no problem writes nothing', () => {
    const { host, lines } = fakeHost();
    const s = shutdownWith(host);
    expect(s.finish(0)).toBe(0);
    expect(lines).toEqual([]);
  });

  it('keeps a reserve of the deadline for closing after flushes give up', () => {
    const { host } = fakeHost();
    const s = shutdownWith(host, 20_000);
    expect(s.flushDeadline()).toBe(Number.POSITIVE_INFINITY);
    s.begin('SIGTERM');
    // The default reserve: a quarter of the deadline, at most 2 s.
    expect(s.remainingMs() - (s.flushDeadline() - Date.now())).toBeGreaterThanOrEqual(1990);
    expect(s.remainingMs() - (s.flushDeadline() - Date.now())).toBeLessThanOrEqual(2010);
    const small = shutdownWith(fakeHost().host, 1000);
    small.begin('SIGTERM');
    expect(small.remainingMs() - (small.flushDeadline() - Date.now())).toBeGreaterThanOrEqual(240);
    expect(small.remainingMs() - (small.flushDeadline() - Date.now())).toBeLessThanOrEqual(260);
  });

  it('a step returns what it ran returned and is forgotten when it fails', async () => {
    const { host, exits, lines } = fakeHost();
    const s = shutdownWith(host, 100);
    await expect(s.step('a', () => 42)).resolves.toBe(42);
    await expect(s.step('b', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    s.begin('SIGTERM');
    await until(() => exits.length > 0);
    expect(lines.at(-1)).toMatch(/\(still stopping \(SIGTERM\)\)/);
  });

  it('dispose stops listening', () => {
    const { host, listeners } = fakeHost();
    const s = shutdownWith(host);
    expect(listeners.listenerCount('SIGINT')).toBe(1);
    s.dispose();
    expect(listeners.listenerCount('SIGINT')).toBe(0);
    expect(listeners.listenerCount('SIGTERM')).toBe(0);
  });
});
