/*
 * When the Jobs page reads the list again. It refreshes by itself only while a job on screen can still change, at a
 * pace far below the account's rate limit (RATE_LIMIT_PER_SECOND, 20 by default: one list read every few seconds
 * is a small part of it even with several tabs open), backs off after failures, and waits as long as a 429's
 * `Retry-After` says. Pure: the page's script and the unit tests run this code.
 */

/** Between two reads of the list while jobs run. */
export const ACTIVE_POLL_MS = 2_000;
/** The longest wait after repeated failures. */
export const MAX_BACKOFF_MS = 60_000;

export interface PollInput {
  /** Some job on screen is not in a final status. */
  anyActive: boolean;
  /** The tab is hidden: nobody is looking, so nothing is read until it is shown again. */
  hidden: boolean;
  /** Reads that failed in a row (network error, 5xx, 429). */
  failures: number;
  /** `Retry-After` of the last answer, in seconds, when it was a 429 or 503. */
  retryAfterSeconds?: number;
}

/** Milliseconds until the next read, or null for none (nothing can change, or nobody is looking). */
export function nextPollDelay(input: PollInput): number | null {
  if (input.hidden) return null;
  const told =
    input.retryAfterSeconds !== undefined && input.retryAfterSeconds > 0 ? input.retryAfterSeconds * 1000 : 0;
  if (input.failures > 0) {
    const backoff = Math.min(MAX_BACKOFF_MS, ACTIVE_POLL_MS * 2 ** Math.min(input.failures, 10));
    return Math.max(backoff, told);
  }
  if (!input.anyActive) return told > 0 ? told : null;
  return Math.max(ACTIVE_POLL_MS, told);
}

/** `Retry-After` in seconds (delta-seconds form; an HTTP date or junk gives undefined). */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
