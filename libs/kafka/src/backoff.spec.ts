import { backoffMs } from './backoff';

describe(backoffMs.name, () => {
  it('grows exponentially and stays under the cap', () => {
    expect(backoffMs(0, 500, 15_000, () => 0.999)).toBe(499);
    expect(backoffMs(3, 500, 15_000, () => 0.999)).toBe(3996);
    expect(backoffMs(20, 500, 15_000, () => 0.999)).toBe(14_985);
  });

  it('is jittered down to zero', () => {
    expect(backoffMs(5, 500, 15_000, () => 0)).toBe(0);
  });
});
