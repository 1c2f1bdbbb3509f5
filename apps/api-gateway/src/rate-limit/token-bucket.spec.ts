import { TokenBuckets } from './token-bucket';

describe(TokenBuckets.name, () => {
  it('allows a burst, then refills at the rate, per account', () => {
    let now = 0;
    const sut = new TokenBuckets(3, 2, () => now);
    expect([sut.take('a'), sut.take('a'), sut.take('a')]).toEqual([0, 0, 0]);
    expect(sut.take('a')).toBe(1);
    expect(sut.take('b')).toBe(0);
    now = 500;
    expect(sut.take('a')).toBe(0);
    expect(sut.take('a')).toBe(1);
    now = 10_000;
    expect([sut.take('a'), sut.take('a'), sut.take('a'), sut.take('a')]).toEqual([0, 0, 0, 1]);
  });

  it('peeks without taking', () => {
    let now = 0;
    const sut = new TokenBuckets(1, 1, () => now);
    expect(sut.peek('a')).toBe(0);
    expect(sut.peek('a')).toBe(0);
    expect(sut.take('a')).toBe(0);
    expect(sut.peek('a')).toBe(1);
    now = 1_000;
    expect(sut.peek('a')).toBe(0);
  });
});
