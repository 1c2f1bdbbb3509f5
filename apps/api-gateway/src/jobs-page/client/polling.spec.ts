import { ACTIVE_POLL_MS, MAX_BACKOFF_MS, nextPollDelay, retryAfterSeconds } from './polling';

describe('polling', () => {
  const base = { anyActive: true, hidden: false, failures: 0 };

  it('reads again every few seconds while a job can change, and not at all once none can', () => {
    expect(nextPollDelay(base)).toBe(ACTIVE_POLL_MS);
    expect(nextPollDelay({ ...base, anyActive: false })).toBeNull();
  });

  it('stays within the account rate limit: one read per ACTIVE_POLL_MS is well below 1 per second', () => {
    expect(ACTIVE_POLL_MS).toBeGreaterThanOrEqual(1_000);
  });

  it('reads nothing while the tab is hidden', () => {
    expect(nextPollDelay({ ...base, hidden: true })).toBeNull();
    expect(nextPollDelay({ ...base, hidden: true, failures: 3 })).toBeNull();
  });

  it('backs off exponentially after failures, up to a ceiling, even when no job runs', () => {
    const delays = [1, 2, 3, 4, 5, 10, 50].map((failures) => nextPollDelay({ ...base, anyActive: false, failures }));
    expect(delays).toEqual([4_000, 8_000, 16_000, 32_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
  });

  it('waits at least as long as Retry-After says', () => {
    expect(nextPollDelay({ ...base, failures: 1, retryAfterSeconds: 30 })).toBe(30_000);
    expect(nextPollDelay({ ...base, failures: 1, retryAfterSeconds: 1 })).toBe(4_000);
    expect(nextPollDelay({ ...base, retryAfterSeconds: 9 })).toBe(9_000);
  });

  it('reads Retry-After in seconds only', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(' 12 ')).toBe(12);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterSeconds('-1')).toBeUndefined();
  });
});
