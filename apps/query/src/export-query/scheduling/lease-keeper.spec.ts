import { LeaseKeeper, LeaseLostError, throwIfLeaseLost } from './lease-keeper';

describe(LeaseKeeper.name, () => {
  it('renews at a third of the lease while the work runs', async () => {
    jest.useFakeTimers();
    try {
      const renew = jest.fn(async () => true);
      const keeper = new LeaseKeeper(renew, 30_000).start();
      await jest.advanceTimersByTimeAsync(95_000);
      keeper.stop();
      expect(renew).toHaveBeenCalledTimes(9);
      expect(keeper.signal.aborted).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('aborts at once when another replica holds the lease', async () => {
    const keeper = new LeaseKeeper(async () => false, 30_000);
    await keeper.tick();
    expect(keeper.signal.aborted).toBe(true);
    expect(() => throwIfLeaseLost(keeper.signal)).toThrow(LeaseLostError);
  });

  it('keeps going through failed renewals until the lease would have lapsed, then aborts', async () => {
    let now = 0;
    const keeper = new LeaseKeeper(
      async () => Promise.reject(new Error('database away')),
      30_000,
      () => now,
    ).start();
    keeper.stop();
    now = 29_000;
    await keeper.tick();
    expect(keeper.signal.aborted).toBe(false);
    now = 30_000;
    await keeper.tick();
    expect(keeper.signal.aborted).toBe(true);
  });
});
