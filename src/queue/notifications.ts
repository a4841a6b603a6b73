/**
 * Wake-ups over Redis pub/sub: the API announces workflows with newly ready jobs
 * (`ready`), the scheduler announces queues with new entries (`queued`). Messages are
 * hints: a lost one is covered by the scheduler's periodic reconcile and the workers'
 * idle poll, so nothing depends on delivery.
 *
 * A message published where a handler of its channel is subscribed on the same notifier
 * (`jobgraph run` and `server`: the API and the scheduler share one) is handed to those
 * handlers at once, without the round trip through Redis, and its echo from Redis is then
 * dropped. It still goes to Redis for every other process.
 */
import type { Redis } from 'ioredis';
import { channelName, type Channel } from './queue-names.js';
import { closeRedisConnection, createRedisConnection } from './redis-connection.js';

/** Options of a {@link Notifier}. */
export interface NotifierOptions {
  /** Aborted when the process shuts down: lost connections are not made again (see redis-connection.ts). */
  closing?: AbortSignal;
}

export type { Channel };

/** How long a message delivered in process waits for its echo from Redis before it is forgotten. */
const ECHO_WAIT_MS = 5000;
/** Distinct messages waiting for their echo before the stale ones are swept. */
const MAX_ECHO_KEYS = 1000;

export class Notifier {
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Array<(names: string[]) => void>>();
  /**
   * Messages handed to this notifier's own handlers at publish whose echo from Redis has not
   * come back yet (channel and text → when each was sent). A message from another process with
   * the same text at the same time is dropped as an echo: the handlers had that very hint.
   */
  private readonly echoes = new Map<string, number[]>();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly options: NotifierOptions = {},
  ) {
    this.publisher = createRedisConnection(redisUrl, { closing: options.closing });
    // A lost connection shows in the publishes and subscriptions that fail, which their
    // callers log; without a listener ioredis would print every reconnect attempt's error.
    this.publisher.on('error', () => undefined);
  }

  /** Publish the names (workflow keys for `ready`, queue names for `queued`); empty lists are not sent. */
  async publish(channel: Channel, names: string[]): Promise<void> {
    if (names.length === 0) return;
    const name = channelName(this.prefix, channel);
    const unique = [...new Set(names)];
    const message = JSON.stringify(unique);
    const local = this.handlers.get(name);
    const echo = `${name}\n${message}`;
    if (local) {
      if (this.echoes.size >= MAX_ECHO_KEYS) this.forgetOldEchoes();
      const sent = (this.echoes.get(echo) ?? []).filter((at) => Date.now() - at < ECHO_WAIT_MS);
      this.echoes.set(echo, [...sent, Date.now()]);
    }
    // Sent first (the command is written at once), handed over here while it travels.
    const sending = this.publisher.publish(name, message).catch((err: unknown) => {
      if (local) this.expectNoEcho(echo);
      throw err;
    });
    if (local) for (const h of local) h([...unique]);
    await sending;
  }

  /** Drop the echoes waited for too long (a subscriber that was down when they were sent). */
  private forgetOldEchoes(): void {
    for (const [echo, sent] of this.echoes) {
      const fresh = sent.filter((at) => Date.now() - at < ECHO_WAIT_MS);
      if (fresh.length > 0) this.echoes.set(echo, fresh);
      else this.echoes.delete(echo);
    }
  }

  /** Forget one pending echo of `echo`. @returns whether one was pending (and not too old). */
  private expectNoEcho(echo: string): boolean {
    const sent = this.echoes.get(echo);
    if (!sent) return false;
    const fresh = sent.filter((at) => Date.now() - at < ECHO_WAIT_MS);
    const pending = fresh.length > 0;
    fresh.shift();
    if (fresh.length > 0) this.echoes.set(echo, fresh);
    else this.echoes.delete(echo);
    return pending;
  }

  /** Call `handler` with the names of each message on `channel`. Resolves once subscribed. */
  async subscribe(channel: Channel, handler: (names: string[]) => void): Promise<void> {
    const name = channelName(this.prefix, channel);
    if (!this.subscriber) {
      this.subscriber = createRedisConnection(this.redisUrl, { closing: this.options.closing });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (ch: string, message: string) => {
        let names: string[] = [];
        try {
          const parsed: unknown = JSON.parse(message);
          if (Array.isArray(parsed)) names = parsed.filter((x): x is string => typeof x === 'string');
        } catch {
          return; // not ours; hints only
        }
        if (this.expectNoEcho(`${ch}\n${message}`)) return; // delivered at publish
        for (const h of this.handlers.get(ch) ?? []) h(names);
      });
    }
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
    if (list.length === 1) await this.subscriber.subscribe(name);
  }

  /** Remove a handler added with `subscribe`; the channel is left once it has no handler. */
  async unsubscribe(channel: Channel, handler: (names: string[]) => void): Promise<void> {
    const name = channelName(this.prefix, channel);
    const list = (this.handlers.get(name) ?? []).filter((h) => h !== handler);
    if (list.length > 0) {
      this.handlers.set(name, list);
    } else if (this.handlers.delete(name)) {
      await this.subscriber?.unsubscribe(name);
    }
  }

  /** Close both connections, even ones waiting to reconnect (a plain QUIT would leave those retrying). */
  async close(): Promise<void> {
    this.handlers.clear();
    this.echoes.clear();
    await Promise.all([
      closeRedisConnection(this.publisher),
      this.subscriber ? closeRedisConnection(this.subscriber) : undefined,
    ]);
  }
}
