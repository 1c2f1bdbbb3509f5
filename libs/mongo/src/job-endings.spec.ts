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

describe(watchJobEnd.name, () => {
  it('aborts its signal with JobEndedError soon after the job ended, and asks nothing once stopped', async () => {
    let status = 'processing';
    let asked = 0;
    const sut = watchJobEnd({ hasEnded: async () => (asked++, status === 'cancelling') }, 'j', 10);
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(sut.signal.aborted).toBe(false);
    status = 'cancelling';
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(sut.signal.aborted).toBe(true);
    expect(sut.signal.reason).toBeInstanceOf(JobEndedError);
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 35));
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
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(asked).toBeGreaterThan(1);
    expect(sut.signal.aborted).toBe(false);
    sut.stop();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 35));
    expect(asked).toBe(after);
  });
});
