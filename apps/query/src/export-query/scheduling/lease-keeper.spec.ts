import { JobEndedError } from '@cae/mongo';
import { LeaseKeeper, LeaseLostError, StopRequestedError, throwIfLeaseLost } from './lease-keeper';

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

describe(throwIfLeaseLost.name, () => {
  it('throws the reason the run was interrupted for, so the scheduler stops the job the right way', () => {
    const interrupted = (reason?: unknown) => {
      const controller = new AbortController();
      controller.abort(reason);
      return controller.signal;
    };
    expect(() => throwIfLeaseLost(new AbortController().signal)).not.toThrow();
    expect(() => throwIfLeaseLost(interrupted(new StopRequestedError('stopping')))).toThrow(StopRequestedError);
    // Cancelled or failed elsewhere (watchJobEnd): the scheduler then tells the writer and reports nothing.
    expect(() => throwIfLeaseLost(interrupted(new JobEndedError('cancelled')))).toThrow(JobEndedError);
    expect(() => throwIfLeaseLost(interrupted())).toThrow(LeaseLostError);
  });
});
