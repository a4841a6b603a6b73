/**
 * Hints between processes over the suite's real Redis, and within one process without it: a
 * notifier hands its own publish to its own handlers at once and drops the echo, while other
 * notifiers (other processes) still get every message.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { Notifier } from '../../src/queue/notifications.js';

const open: Notifier[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close()));
});

function notifiers(count: number): Notifier[] {
  const prefix = `t-${randomKey(6)}`;
  const made = Array.from({ length: count }, () => new Notifier(inject('redisUrl'), prefix));
  open.push(...made);
  return made;
}

describe('Notifier', () => {
  it('hands its own publish to its handlers before the publish resolves, once, and still to other processes', async () => {
    const [here, elsewhere] = notifiers(2);
    const seenHere: string[][] = [];
    const seenElsewhere: string[][] = [];
    await here!.subscribe('ready', (names) => seenHere.push(names));
    await elsewhere!.subscribe('ready', (names) => seenElsewhere.push(names));

    const publishing = here!.publish('ready', ['wf1', 'wf1', 'wf2']);
    // Delivered in process, before any round trip through Redis.
    expect(seenHere).toEqual([['wf1', 'wf2']]);
    await publishing;
    // Other processes get it through Redis. (Awaited first: `elsewhere` hands its own sentinel
    // below to its handlers at once, which may be before this message reaches it.)
    await expect.poll(() => seenElsewhere).toEqual([['wf1', 'wf2']]);
    // A message published after it from elsewhere arrives after the echo would have: the echo was dropped.
    await elsewhere!.publish('ready', ['sentinel']);
    await expect.poll(() => seenHere.at(-1)).toEqual(['sentinel']);
    expect(seenHere).toEqual([['wf1', 'wf2'], ['sentinel']]);
    expect(seenElsewhere).toEqual([['wf1', 'wf2'], ['sentinel']]);
  });

  it('delivers a message from another process that reads like one it published earlier', async () => {
    const [here, elsewhere] = notifiers(2);
    const seen: string[][] = [];
    await here!.subscribe('queued', (names) => seen.push(names));
    await here!.publish('queued', ['q1']);
    // Published after q1 reached Redis: one connection gets its messages in order, so once the
    // barrier is here, q1's echo came (and was dropped) before it.
    await elsewhere!.publish('queued', ['barrier']);
    await expect.poll(() => seen.at(-1)).toEqual(['barrier']);
    await elsewhere!.publish('queued', ['q1']);
    await expect.poll(() => seen).toEqual([['q1'], ['barrier'], ['q1']]);
  });

  it('without a handler of the channel here, sends only through Redis', async () => {
    const [here, elsewhere] = notifiers(2);
    const seen: string[][] = [];
    await here!.subscribe('queued', (names) => seen.push(names));
    await here!.publish('ready', ['wf1']);
    await elsewhere!.publish('queued', ['after']);
    await expect.poll(() => seen).toEqual([['after']]);
  });
});
