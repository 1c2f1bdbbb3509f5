/**
 * Token buckets per key (an account, a client address): `burst` requests at once, refilled at `perSecond`. In memory, per gateway replica
 * (N replicas allow N times the rate; a shared store would be needed for an exact global limit).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(account: string): number {
    const now = this.now();
    const bucket = this.refilled(account, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (this.buckets.size > 100_000) this.evictFull(now);
    return Math.ceil((1 - bucket.tokens) / this.perSecond);
  }

  /** Without taking one: 0 when a token is available, else the seconds until one is. */
  peek(key: string): number {
    const bucket = this.refilled(key, this.now());
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.perSecond);
  }

  /** Gives a token back (a reservation that turned out not to count). */
  refund(key: string): void {
    const bucket = this.refilled(key, this.now());
    bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
  }

  private refilled(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Forgets accounts whose bucket has refilled: they are indistinguishable from new ones. */
  private evictFull(now: number): void {
    for (const [account, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(account);
    }
  }
}
