import { backoffMs } from './backoff';

describe(backoffMs.name, () => {
  it('grows exponentially and stays under the cap', () => {
    expect(backoffMs(0, 500, 15_000, () => 0.999)).toBe(499);
    expect(backoffMs(3, 500, 15_000, () => 0.999)).toBe(3998);
    expect(backoffMs(20, 500, 15_000, () => 0.999)).toBe(14_992);
  });

  it('never waits less than half the ceiling, so a retry budget has a known minimum', () => {
    expect(backoffMs(0, 500, 15_000, () => 0)).toBe(250);
    expect(backoffMs(5, 500, 15_000, () => 0)).toBe(7_500);
  });
});
