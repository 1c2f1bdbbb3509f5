import { rangeAnswer } from './byte-range';

const ETAG = '"abc"';
const part = (start: number, end: number) => ({ kind: 'part', range: { start, end } });

describe(rangeAnswer.name, () => {
  it.each([
    ['bytes=0-99', part(0, 99)],
    ['bytes=100-', part(100, 999)],
    ['bytes=-50', part(950, 999)],
    ['bytes=990-2000', part(990, 999)],
    ['bytes=-5000', part(0, 999)],
    ['bytes=999-999', part(999, 999)],
    ['BYTES= 5 - 9 ', part(5, 9)],
  ])('serves the single range %s of a 1000-byte file', (header, expected) => {
    expect(rangeAnswer(header, 1000, ETAG)).toEqual(expected);
  });

  it.each(['bytes=1000-', 'bytes=1000-1005', 'bytes=-0', 'bytes=99999999999999999999999-'])(
    'refuses %s of a 1000-byte file as unsatisfiable',
    (header) => {
      expect(rangeAnswer(header, 1000, ETAG)).toEqual({ kind: 'unsatisfiable' });
    },
  );

  it.each([
    ['no header', undefined],
    ['several ranges', 'bytes=0-9,20-29'],
    ['another unit', 'items=0-9'],
    ['an end before the start', 'bytes=9-0'],
    ['no number at all', 'bytes=-'],
    ['garbage', 'bytes=abc'],
    ['a negative start', 'bytes=--5'],
  ])('answers the whole file to %s', (_, header) => {
    expect(rangeAnswer(header, 1000, ETAG)).toEqual({ kind: 'whole' });
  });

  it('answers an empty file whole, whatever the range', () => {
    expect(rangeAnswer('bytes=0-', 0, ETAG)).toEqual({ kind: 'whole' });
    expect(rangeAnswer('bytes=-1', 0, ETAG)).toEqual({ kind: 'whole' });
  });

  it('serves the range only when If-Range is the file’s ETag', () => {
    expect(rangeAnswer('bytes=0-9', 1000, ETAG, '"abc"')).toEqual(part(0, 9));
    expect(rangeAnswer('bytes=0-9', 1000, ETAG, '"other"')).toEqual({ kind: 'whole' });
    expect(rangeAnswer('bytes=0-9', 1000, ETAG, 'W/"abc"')).toEqual({ kind: 'whole' });
    expect(rangeAnswer('bytes=0-9', 1000, ETAG, 'Wed, 21 Oct 2015 07:28:00 GMT')).toEqual({ kind: 'whole' });
  });
});
