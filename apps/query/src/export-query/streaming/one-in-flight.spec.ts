import { OneInFlight } from './one-in-flight';

/** A task that records when it starts and ends only when the test lets it. */
function gatedTask(log: string[], name: string) {
  let release!: () => void;
  let fail!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  const task = async () => {
    log.push(`start ${name}`);
    await gate;
    log.push(`end ${name}`);
  };
  return { task, release, fail };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe(OneInFlight.name, () => {
  it('returns while its task runs, and starts the next task only after it ended', async () => {
    const log: string[] = [];
    const sut = new OneInFlight();
    const a = gatedTask(log, 'a');
    const b = gatedTask(log, 'b');

    await sut.next(a.task); // returns with a still running: the caller goes on preparing
    log.push('caller prepares b');
    const nextB = sut.next(b.task);
    await settled();
    expect(log).toEqual(['start a', 'caller prepares b']); // b waits for a

    a.release();
    await nextB;
    expect(log).toEqual(['start a', 'caller prepares b', 'end a', 'start b']);
    b.release();
    await sut.drain();
    expect(log).toEqual(['start a', 'caller prepares b', 'end a', 'start b', 'end b']);
  });

  it('throws a failed task at the next call and does not start the task after it', async () => {
    const log: string[] = [];
    const sut = new OneInFlight();
    const a = gatedTask(log, 'a');
    await sut.next(a.task);
    a.fail(new Error('publish refused'));
    const b = gatedTask(log, 'b');
    await expect(sut.next(b.task)).rejects.toThrow('publish refused');
    expect(log).toEqual(['start a']);
  });

  it('throws a failed last task from drain', async () => {
    const sut = new OneInFlight();
    await sut.next(() => Promise.reject(new Error('checkpoint lost')));
    await expect(sut.drain()).rejects.toThrow('checkpoint lost');
    await expect(sut.drain()).resolves.toBeUndefined(); // thrown once
  });

  it('settle waits for the task in flight to end and swallows its error', async () => {
    const log: string[] = [];
    const sut = new OneInFlight();
    const a = gatedTask(log, 'a');
    await sut.next(a.task);
    const settling = sut.settle();
    await settled();
    expect(log).toEqual(['start a']);
    a.fail(new Error('broker away'));
    await expect(settling).resolves.toBeUndefined();
  });
});
