import { JobsEnv } from '../config/jobs-env';
import { CallbackRetryPolicy } from './callback-retry-policy';

const HOUR = 3_600_000;

describe(CallbackRetryPolicy.name, () => {
  it('doubles the wait after each failure, up to the cap, with jitter in [c/2, c)', () => {
    const low = new CallbackRetryPolicy(10, 1_000, 8_000, () => 0);
    const high = new CallbackRetryPolicy(10, 1_000, 8_000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 9].map((failed) => low.nextDelayMs(failed))).toEqual([
      500, 1_000, 2_000, 4_000, 4_000, 4_000,
    ]);
    expect([1, 2, 3, 4, 5, 9].map((failed) => high.nextDelayMs(failed))).toEqual([
      999, 1_999, 3_999, 7_999, 7_999, 7_999,
    ]);
  });

  it('stops after the last attempt', () => {
    const sut = new CallbackRetryPolicy(3, 1_000, 8_000);
    expect(sut.nextDelayMs(2)).not.toBeNull();
    expect(sut.nextDelayMs(3)).toBeNull();
    expect(sut.nextDelayMs(4)).toBeNull();
    expect(new CallbackRetryPolicy(1, 1_000, 8_000).nextDelayMs(1)).toBeNull();
  });

  it('spreads the default attempts over about a day: a receiver down for half a day still gets its callback', () => {
    const sut = CallbackRetryPolicy.fromEnv(new JobsEnv());
    expect(sut.maxAttempts).toBe(15);
    const { min, max } = sut.budgetMs();
    expect(min).toBeGreaterThan(12 * HOUR);
    expect(max).toBeLessThan(30 * HOUR);
    // Every single wait stays within the cap, so no attempt is put off for more than 4 hours.
    for (let failed = 1; failed < sut.maxAttempts; failed++) expect(sut.nextDelayMs(failed)!).toBeLessThan(4 * HOUR);
  });
});
