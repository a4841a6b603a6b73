/**
 * A level-triggered wake-up: `wake()` before `wait()` is not lost, so the pull loop never
 * sleeps through a job that finished or a queue that filled while it was busy.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;

  /** Wake the current or the next `wait`. */
  wake(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Resolve on the next wake (at once if one happened since the last wait), or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}
