import { BackgroundCount, mustHaveCountBefore } from './background-count';

describe('BackgroundCount', () => {
  it('is ready once the count settles, and gives its value', async () => {
    let resolve!: (n: number) => void;
    const count = new BackgroundCount(new Promise<number>((r) => (resolve = r)));
    expect(count.ready).toBe(false);
    resolve(42);
    await expect(count.value()).resolves.toBe(42);
    expect(count.ready).toBe(true);
  });

  it('gives a failed count as its error, without an unhandled rejection while nobody asks', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const count = new BackgroundCount(Promise.reject(new Error('database gone')));
      await new Promise((resolve) => setImmediate(resolve));
      expect(count.ready).toBe(true);
      await expect(count.value()).rejects.toThrow('database gone');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('BackgroundCount.value(signal)', () => {
  it('stops waiting when the signal aborts (lease lost, service stopping), with its reason', async () => {
    const count = new BackgroundCount(new Promise<number>(() => undefined));
    const lease = new AbortController();
    const waiting = count.value(lease.signal);
    lease.abort(new Error('lease lost'));
    await expect(waiting).rejects.toThrow('lease lost');
    await expect(count.value(lease.signal)).rejects.toThrow('lease lost');
  });

  it('gives the count when it comes first', async () => {
    await expect(new BackgroundCount(Promise.resolve(7)).value(new AbortController().signal)).resolves.toBe(7);
  });
});

describe('mustHaveCountBefore', () => {
  it('lets the batches of a single-file export go until the final one', () => {
    expect(mustHaveCountBefore(0, 500, undefined, false)).toBe(false);
    expect(mustHaveCountBefore(1_000_000, 500, undefined, false)).toBe(false);
    expect(mustHaveCountBefore(1_000_000, 10, undefined, true)).toBe(true);
  });

  it('stops a chunked export at the batch that reaches the end of its first file', () => {
    expect(mustHaveCountBefore(0, 500, 1_000, false)).toBe(false);
    expect(mustHaveCountBefore(500, 499, 1_000, false)).toBe(false);
    expect(mustHaveCountBefore(500, 500, 1_000, false)).toBe(true);
    expect(mustHaveCountBefore(0, 500, 100, false)).toBe(true);
  });
});
