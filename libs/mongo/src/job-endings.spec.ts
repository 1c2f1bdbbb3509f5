import { Db } from 'mongodb';
import { JobEndedError, JobEndings, watchJobEnd } from './job-endings';

function endingsOf(status: () => string | undefined): JobEndings {
  const db = {
    collection: () => ({ findOne: async () => (status() ? { status: status() } : null) }),
  } as unknown as Db;
  return new JobEndings(db);
}

describe(JobEndings.name, () => {
  it('counts a job as ended once it is done, failed, cancelling or cancelled', async () => {
    let status: string | undefined;
    const sut = endingsOf(() => status);
    const ended: Record<string, [boolean, boolean]> = {};
    for (status of [undefined, 'pending', 'processing', 'done', 'failed', 'cancelling', 'cancelled'])
      ended[String(status)] = [await sut.hasEnded('j'), await sut.wasCancelled('j')];
    expect(ended).toEqual({
      undefined: [false, false],
      pending: [false, false],
      processing: [false, false],
      done: [true, false],
      failed: [true, false],
      cancelling: [true, true],
      cancelled: [true, true],
    });
    await expect(sut.assertRunning('j', 'here')).rejects.toThrow(JobEndedError);
  });
});

// Fake timers: each check is one tick of the interval, so the tests say how many checks ran, not how long they took.
describe(watchJobEnd.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const ticks = (n: number) => jest.advanceTimersByTimeAsync(10 * n);

  it('aborts its signal with JobEndedError at the first check after the job ended, and asks nothing after', async () => {
    let status = 'processing';
    let asked = 0;
    const sut = watchJobEnd({ hasEnded: async () => (asked++, status === 'cancelling') }, 'j', 10);
    await ticks(3);
    expect([asked, sut.signal.aborted]).toEqual([3, false]);
    status = 'cancelling';
    await ticks(1);
    expect(sut.signal.aborted).toBe(true);
    expect(sut.signal.reason).toBeInstanceOf(JobEndedError);
    const after = asked;
    await ticks(5);
    expect(asked).toBe(after);
    sut.stop();
  });

  it('keeps asking when a read fails, and stops when told', async () => {
    let asked = 0;
    const sut = watchJobEnd(
      {
        hasEnded: async () => {
          asked++;
          throw new Error('database away');
        },
      },
      'j',
      10,
    );
    await ticks(3);
    expect(asked).toBe(3);
    expect(sut.signal.aborted).toBe(false);
    sut.stop();
    await ticks(5);
    expect(asked).toBe(3);
  });

  it('never asks twice at once: a slow read skips the ticks that come while it runs', async () => {
    let asked = 0;
    let answer: (ended: boolean) => void = () => undefined;
    const sut = watchJobEnd(
      { hasEnded: () => (asked++, new Promise<boolean>((resolve) => (answer = resolve))) },
      'j',
      10,
    );
    await ticks(5);
    expect(asked).toBe(1);
    answer(true);
    await ticks(1);
    expect(sut.signal.aborted).toBe(true);
    sut.stop();
  });
});
