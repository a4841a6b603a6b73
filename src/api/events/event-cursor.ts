/**
 * Where a live event stream stands. Events are read by key ("after the last one sent"),
 * but a key is not a commit order: two processes writing in the same millisecond, or an
 * ArangoDB cluster, can commit an event whose key sorts before one already sent. So the
 * cursor reads again from the oldest of the last `lookback` keys it sent and drops what it
 * has sent already: a late event within that window is still delivered (out of key order),
 * and nothing is delivered twice. Pure: the route does the reading.
 */

/** A stream's position: what to ask the store for and what it sent recently. */
export class EventCursor {
  private readonly recent: string[] = [];
  private readonly recentSet = new Set<string>();
  private highest: string | undefined;

  /**
   * @param resumeAfter the key a reconnecting client last saw (`Last-Event-ID`); undefined from the start
   * @param lookback how many recently sent keys are read again to catch late commits
   */
  constructor(
    resumeAfter: string | undefined,
    private readonly lookback = 64,
  ) {
    this.highest = resumeAfter;
  }

  /** The key to list events after: the oldest recently sent one, else the resume point. */
  get readAfter(): string | undefined {
    return this.recent[0] ?? this.highest;
  }

  /** The id to put on the next message: the highest key sent, so a reconnect resumes past everything sent. */
  get lastEventId(): string | undefined {
    return this.highest;
  }

  /**
   * Keep the events of a read that were not sent yet, in the order given, and remember them.
   * Each comes with the id its message carries: the highest key sent up to and including it,
   * so a client cut off in the middle of a batch resumes after what it actually received.
   * @param read events listed after `readAfter`, oldest first
   */
  accept<T extends { _key: string }>(read: readonly T[]): Array<{ event: T; id: string }> {
    const out: Array<{ event: T; id: string }> = [];
    for (const event of read) {
      if (this.recentSet.has(event._key)) continue;
      this.recentSet.add(event._key);
      this.recent.push(event._key);
      if (this.highest === undefined || event._key > this.highest) this.highest = event._key;
      out.push({ event, id: this.highest });
    }
    // The window stays in key order so that its first entry is the oldest key to read after.
    this.recent.sort();
    while (this.recent.length > this.lookback) this.recentSet.delete(this.recent.shift()!);
    return out;
  }
}
