/**
 * Passes that coalesce requests, as the scheduler and the provisioner run them: `request()` is
 * cheap and synchronous, passes never overlap, and any number of requests during a pass cause
 * exactly one more. `current` is cleared by the promise, not inside the loop: a pass that awaits
 * nothing finishes within the call that starts it, and clearing there would come before the
 * assignment and leave it set for ever (the provisioner once ignored every poke after such a
 * pass). A request that lands between the last pass and the clearing starts the loop again.
 */
export class CoalescedPasses {
  private dirty = false;
  private halted = false;
  private current: Promise<void> | undefined;

  /** `pass` runs once per round; a failure goes to `onError` and the next request still runs. */
  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Ask for a pass (no-op once halted). */
  request(): void {
    if (this.halted) return;
    this.dirty = true;
    this.current ??= this.loop().finally(() => {
      this.current = undefined;
      if (this.dirty && !this.halted) this.request();
    });
  }

  /** No pass starts after the current one. */
  halt(): void {
    this.halted = true;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** Resolves once no pass is running or pending. */
  async whenIdle(): Promise<void> {
    while (this.current) await this.current;
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.halted) {
      this.dirty = false;
      try {
        await this.pass();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
