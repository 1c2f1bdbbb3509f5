import { ipv6Groups } from '@cae/host-policy';
import { TokenBuckets } from '../rate-limit/token-bucket';

/**
 * How long a key that authenticated from an address is remembered as good (it is still looked up each time): a
 * day, so that a daily job's key is not locked out by a guesser behind the same address. Per gateway replica.
 */
const KNOWN_GOOD_MS = 24 * 60 * 60_000;
const KNOWN_GOOD_MAX = 50_000;

/**
 * Failed authentications per client address. Each key check of an address reserves a token before the lookup
 * (so a burst of concurrent guesses is counted, not only the ones already answered); a key that proves valid gives
 * its token back. Once an address has none left, its requests are answered 429 before any lookup, except with a
 * key that recently authenticated from that address (so an office behind one NAT is not locked out by one
 * guesser). IPv6 clients are counted per /64, the block one host usually owns.
 */
export class FailedAuthLimiter {
  private readonly failures: TokenBuckets;
  /** `${client}|${keyHash}` -> when it last authenticated. */
  private readonly knownGood = new Map<string, number>();

  constructor(
    burst: number,
    perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new TokenBuckets(burst, perMinute / 60, now);
  }

  /**
   * Admits a key check from an address. `waitSeconds` 0: go on, and `settle` with the outcome (a valid key gives
   * its reserved token back and is remembered); else the seconds until the address may try again.
   */
  admit(address: string, keyHash: string | null): Admission {
    const client = clientOf(address);
    const good = keyHash === null ? undefined : this.knownGood.get(`${client}|${keyHash}`);
    const reserved = !(good !== undefined && this.now() - good < KNOWN_GOOD_MS);
    const waitSeconds = reserved ? this.failures.take(client) : 0;
    return {
      waitSeconds,
      settle: (outcome) => {
        if (waitSeconds > 0 || outcome === 'invalid') return;
        if (reserved) this.failures.refund(client);
        if (outcome === 'valid' && keyHash !== null) this.remember(`${client}|${keyHash}`);
      },
    };
  }

  private remember(entry: string): void {
    this.knownGood.delete(entry);
    this.knownGood.set(entry, this.now());
    // Oldest first (insertion order): drop the oldest beyond the bound.
    if (this.knownGood.size > KNOWN_GOOD_MAX) this.knownGood.delete(this.knownGood.keys().next().value!);
  }
}

export interface Admission {
  waitSeconds: number;
  /** The outcome of the key check: a wrong key keeps its token taken; `unknown` (the lookup failed) gives it back. */
  settle(outcome: 'valid' | 'invalid' | 'unknown'): void;
}

/** The unit a client is counted by: its IPv4 address, or the /64 of its IPv6 address. */
export function clientOf(address: string): string {
  const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const groups = ipv6Groups(plain);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((group) => group.toString(16))
        .join(':')}::/64`
    : plain;
}
