import { clientOf, FailedAuthLimiter } from './failed-auth-limiter';

describe(FailedAuthLimiter.name, () => {
  let now = 0;
  const sut = () => new FailedAuthLimiter(3, 60, () => now);

  beforeEach(() => {
    now = 0;
  });

  it('lets an address fail `burst` times, then makes it wait', () => {
    const limiter = sut();
    for (let i = 0; i < 3; i++) {
      const admission = limiter.admit('10.0.0.1', null);
      expect(admission.waitSeconds).toBe(0);
      admission.settle('invalid');
    }
    expect(limiter.admit('10.0.0.1', 'h').waitSeconds).toBe(1);
    expect(limiter.admit('10.0.0.2', 'h').waitSeconds).toBe(0);
    now = 1_000;
    expect(limiter.admit('10.0.0.1', 'h').waitSeconds).toBe(0);
  });

  it('counts concurrent checks before their outcome is known', () => {
    const limiter = sut();
    const pending = [1, 2, 3].map(() => limiter.admit('10.0.0.1', 'guess'));
    expect(pending.map((a) => a.waitSeconds)).toEqual([0, 0, 0]);
    expect(limiter.admit('10.0.0.1', 'guess').waitSeconds).toBeGreaterThan(0);
  });

  it('gives a valid key its token back and keeps letting it through', () => {
    const limiter = sut();
    limiter.admit('10.0.0.1', 'good').settle('valid');
    for (let i = 0; i < 5; i++) limiter.admit('10.0.0.1', 'bad').settle('invalid');
    expect(limiter.admit('10.0.0.1', 'good').waitSeconds).toBe(0);
    expect(limiter.admit('10.0.0.1', 'other').waitSeconds).toBeGreaterThan(0);
    now = 25 * 60 * 60_000;
    for (let i = 0; i < 5; i++) limiter.admit('10.0.0.1', 'bad').settle('invalid');
    expect(limiter.admit('10.0.0.1', 'good').waitSeconds).toBeGreaterThan(0);
  });

  it('gives the token back without trusting the key when the lookup itself failed', () => {
    const limiter = sut();
    for (let i = 0; i < 5; i++) limiter.admit('10.0.0.1', 'k').settle('unknown');
    expect(limiter.admit('10.0.0.1', 'k').waitSeconds).toBe(0);
    for (let i = 0; i < 3; i++) limiter.admit('10.0.0.1', 'bad').settle('invalid');
    expect(limiter.admit('10.0.0.1', 'k').waitSeconds).toBeGreaterThan(0);
  });

  it('counts IPv6 clients per /64 and IPv4-mapped ones as IPv4', () => {
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe(clientOf('2001:db8:1:2:bbbb::2'));
    expect(clientOf('2001:db8:1:2::1')).not.toBe(clientOf('2001:db8:1:3::1'));
    expect(clientOf('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });
});
