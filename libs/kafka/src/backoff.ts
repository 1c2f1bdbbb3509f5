/**
 * Exponential backoff with equal jitter: a random wait in [c/2, c) where c = min(cap, base * 2^attempt).
 * The lower half is fixed, so a retry budget (the sum of the waits) has a known minimum.
 */
export function backoffMs(attempt: number, baseMs = 500, capMs = 15_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
