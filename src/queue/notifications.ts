/**
 * Wake-ups over Redis pub/sub: the API announces workflows with newly ready jobs
 * (`ready`), the scheduler announces queues with new entries (`queued`). Messages are
 * hints: a lost one is covered by the scheduler's periodic reconcile and the workers'
 * idle poll, so nothing depends on delivery.
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

export class Notifier {
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Array<(names: string[]) => void>>();

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
    await this.publisher.publish(channelName(this.prefix, channel), JSON.stringify([...new Set(names)]));
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
    await Promise.all([
      closeRedisConnection(this.publisher),
      this.subscriber ? closeRedisConnection(this.subscriber) : undefined,
    ]);
  }
}
