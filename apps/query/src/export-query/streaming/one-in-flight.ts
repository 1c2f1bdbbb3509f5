/**
 * Runs tasks one after the other with at most one in flight, without making the caller wait for it: `next(task)`
 * waits for the task before it, then starts this one and returns. The caller prepares the following batch (merge,
 * format) while this one is being published and checkpointed, instead of leaving the CPU idle during the broker's
 * and the database's round trips. Order is kept (a task starts only after the one before it succeeded), so the
 * checkpoints still move in order and only after their batch is on the broker.
 *
 * A task's failure is thrown by the next `next()` or by `drain()`, and no task starts after it.
 */
export class OneInFlight {
  private inFlight: Promise<void> | null = null;

  /** Waits for the task in flight (throwing its error), then starts `task`. */
  async next(task: () => Promise<void>): Promise<void> {
    await this.drain();
    const started = task();
    // Its rejection is handled by the next next()/drain(); until then it must not count as unhandled.
    started.catch(() => undefined);
    this.inFlight = started;
  }

  /** Waits for the task in flight, throwing its error. */
  async drain(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = null;
    await inFlight;
  }

  /** Waits for the task in flight to end, whatever the outcome (when the caller already fails for its own reason). */
  async settle(): Promise<void> {
    await this.drain().catch(() => undefined);
  }
}
