import { formatBytes, formatCount, formatDuration, formatTimestamp, isFinalStatus, progressOf } from './format';

describe('format', () => {
  it('knows which statuses never change again', () => {
    expect(['done', 'failed', 'cancelled'].map(isFinalStatus)).toEqual([true, true, true]);
    expect(['pending', 'processing', 'cancelling', 'something-new'].map(isFinalStatus)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [94_787, '92.6 KiB'],
    [150 * 1024 * 1024, '150 MiB'],
    [5 * 1024 ** 4, '5 TiB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('formats %p bytes as %p', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('groups digits the same way everywhere, and shows nothing known as a dash', () => {
    expect([0, 472, 1000, 1_234_567].map(formatCount)).toEqual(['0', '472', '1,000', '1,234,567']);
    expect([null, undefined, Number.NaN].map(formatCount)).toEqual(['—', '—', '—']);
  });

  it('formats an API timestamp in the given time zone, and null or junk as a dash', () => {
    expect(formatTimestamp('2019-03-24T10:00:03.123Z', 'UTC')).toBe('2019-03-24 10:00:03');
    expect(formatTimestamp('2019-03-24T23:30:00.000Z', 'Europe/Berlin')).toBe('2019-03-25 00:30:00');
    expect(formatTimestamp(null)).toBe('—');
    expect(formatTimestamp('not a date')).toBe('—');
  });

  it('shows progress as delivered records out of matching ones', () => {
    expect(progressOf({ status: 'processing', totalItems: 472, completedItems: 236 })).toEqual({
      value: 236,
      max: 472,
      text: '236 / 472 (50%)',
    });
    expect(progressOf({ status: 'done', totalItems: 1_000_000, completedItems: 1_000_000 }).text).toBe(
      '1,000,000 / 1,000,000 (100%)',
    );
  });

  it('is indeterminate until the records are counted, and full for an empty export that is done', () => {
    expect(progressOf({ status: 'pending', totalItems: null, completedItems: 0 })).toEqual({
      text: 'waiting to start',
    });
    expect(progressOf({ status: 'processing', totalItems: null, completedItems: 0 })).toEqual({ text: 'counting…' });
    expect(progressOf({ status: 'failed', totalItems: null, completedItems: 0 })).toEqual({
      value: 0,
      max: 1,
      text: '0 delivered',
    });
    expect(progressOf({ status: 'done', totalItems: 0, completedItems: 0 })).toEqual({
      value: 1,
      max: 1,
      text: '0 / 0 (100%)',
    });
  });

  it('never draws a bar past its end, even when more records were delivered than counted', () => {
    const progress = progressOf({ status: 'processing', totalItems: 10, completedItems: 12 });
    expect(progress.value).toBe(10);
    expect(progress.text).toBe('12 / 10 (100%)');
  });

  it('says how long a job ran, or has been running', () => {
    const start = '2019-03-24T10:00:00.000Z';
    expect(formatDuration(start, '2019-03-24T10:00:04.400Z', 0)).toBe('4 s');
    expect(formatDuration(start, '2019-03-24T10:02:05.000Z', 0)).toBe('2 min 5 s');
    expect(formatDuration(start, '2019-03-24T11:03:00.000Z', 0)).toBe('1 h 3 min');
    expect(formatDuration(start, null, Date.parse('2019-03-24T10:00:30.000Z'))).toBe('30 s');
    expect(formatDuration(null, null, 0)).toBe('—');
  });
});
