import { JobEndedError } from '@cae/mongo';

/**
 * Keeps a job's lease while a replica works on it, whatever the work is doing (a long count, an audience's
 * streaming survey, a publish stuck in retries): renews at a third of the lease, and aborts `signal` once the
 * lease is lost (another replica took the job) or could not be renewed before it lapsed (the database was away).
 * Work that sees the signal stops without side effects; the lease's new owner carries on from the checkpoint.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private renewing = false;
  private renewedAt = Date.now();

  constructor(
    private readonly renew: () => Promise<boolean>,
    private readonly leaseMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): this {
    this.renewedAt = this.now();
    this.timer = setInterval(() => void this.tick(), Math.max(10, Math.floor(this.leaseMs / 3)));
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One renewal (exposed for tests). */
  async tick(): Promise<void> {
    if (this.renewing || this.signal.aborted) return;
    this.renewing = true;
    try {
      if (await this.renew()) this.renewedAt = this.now();
      else this.lose('the lease was taken over by another replica');
    } catch {
      if (this.now() - this.renewedAt >= this.leaseMs) this.lose('the lease could not be renewed before it lapsed');
    } finally {
      this.renewing = false;
    }
  }

  private lose(reason: string): void {
    this.stop();
    this.controller.abort(new LeaseLostError(reason));
  }
}

/** Raised when another replica took the job over (our lease was lost); this run stops without side effects. */
export class LeaseLostError extends Error {}

/**
 * Throws the signal's reason once it was aborted: LeaseLostError, StopRequestedError on SIGTERM, or JobEndedError
 * when the job ended elsewhere or was cancelled while it was read (watchJobEnd).
 */
export function throwIfLeaseLost(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof LeaseLostError || reason instanceof StopRequestedError || reason instanceof JobEndedError
    ? reason
    : new LeaseLostError('lease lost');
}

/** Raised at a batch boundary when the service is stopping: the checkpoint is saved; the lease is handed back. */
export class StopRequestedError extends Error {}
