import { describe, expect, it } from 'vitest';
import { EventCursor } from './event-cursor.js';

const ev = (...keys: string[]) => keys.map((_key) => ({ _key }));

describe('EventCursor', () => {
  it('starts at the resume point and advances past what it sent', () => {
    const cursor = new EventCursor('k02');
    expect(cursor.readAfter).toBe('k02');
    expect(cursor.accept(ev('k03', 'k04')).map((e) => e.event._key)).toEqual(['k03', 'k04']);
    expect(cursor.lastEventId).toBe('k04');
    expect(new EventCursor(undefined).accept(ev('k01', 'k02')).map((e) => e.id)).toEqual(['k01', 'k02']);
    // Reads again from the window: what was sent is not sent twice.
    expect(cursor.readAfter).toBe('k03');
    expect(cursor.accept(ev('k04', 'k05')).map((e) => e.event._key)).toEqual(['k05']);
  });

  it('delivers an event committed late with a key below the last one sent, once', () => {
    const cursor = new EventCursor(undefined, 4);
    cursor.accept(ev('k01', 'k03'));
    expect(cursor.accept(ev('k02', 'k03'))).toEqual([{ event: { _key: 'k02' }, id: 'k03' }]);
    // The id a reconnect resumes from stays the highest key sent.
    expect(cursor.lastEventId).toBe('k03');
    expect(cursor.accept(ev('k02', 'k03'))).toEqual([]);
  });

  it('keeps only `lookback` keys to read again', () => {
    const cursor = new EventCursor(undefined, 2);
    cursor.accept(ev('k01', 'k02', 'k03'));
    expect(cursor.readAfter).toBe('k02');
  });
});
