import { backoffMs } from '@cae/kafka';

export interface CallbackRetrySettings {
  CALLBACK_MAX_ATTEMPTS: number;
  CALLBACK_RETRY_BASE_MS: number;
  CALLBACK_RETRY_CAP_MS: number;
}

/**
 * How a completion callback is retried: at most `maxAttempts` attempts; after the n-th failed one a wait in [c/2, c)
 * with c = min(cap, base * 2^(n-1)) (exponential backoff with equal jitter, so receivers that came back are not all
 * hit at once, and the budget has a known minimum). A value, so the dispatcher and its tests share one rule.
 */
export class CallbackRetryPolicy {
  constructor(
    readonly maxAttempts: number,
    readonly baseMs: number,
    readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  static fromEnv(env: CallbackRetrySettings): CallbackRetryPolicy {
    return new CallbackRetryPolicy(env.CALLBACK_MAX_ATTEMPTS, env.CALLBACK_RETRY_BASE_MS, env.CALLBACK_RETRY_CAP_MS);
  }

  /** The wait before the next attempt after `failedAttempts` failed ones; null when none is left. */
  nextDelayMs(failedAttempts: number): number | null {
    if (failedAttempts >= this.maxAttempts) return null;
    return backoffMs(failedAttempts - 1, this.baseMs, this.capMs, this.random);
  }

  /** The shortest and longest time from the first attempt to the last (the waits between them, attempts aside). */
  budgetMs(): { min: number; max: number } {
    let max = 0;
    for (let failed = 1; failed < this.maxAttempts; failed++)
      max += Math.min(this.capMs, this.baseMs * 2 ** (failed - 1));
    return { min: max / 2, max };
  }
}
