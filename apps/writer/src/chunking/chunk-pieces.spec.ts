import { DeliverySpec, OutputSpec, RecordsBatchValue } from '@cae/contracts';
import { recordKeyOf } from '@cae/formats';
import { chunkPieces } from './chunk-pieces';
import { WHOLE_EXPORT } from './job-chunker';

const rec = (n: number) => ({ _id: `a${n}`, time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString() });
const batch = (
  firstSeq: number,
  count: number,
  output: Partial<OutputSpec>,
  extra: Partial<RecordsBatchValue> = {},
): RecordsBatchValue => ({
  jobId: '0b7c6f4e-8a31-4c1e-9d55-3f2a1b0c9e77',
  accountId: 'acme',
  batchSeq: 0,
  firstSeq,
  records: Array.from({ length: count }, (_, i) => rec(firstSeq + i)),
  final: false,
  output: { format: 'csv', fileBaseName: 'x', compress: false, ...output } as OutputSpec,
  delivery: { kind: 'internal' } as DeliverySpec,
  ...extra,
});

describe('chunkPieces', () => {
  it('leaves an unchunked batch whole', () => {
    const whole = batch(10, 3, {}, { final: true, totalRecords: 13 });
    expect(chunkPieces(whole)).toEqual([{ range: WHOLE_EXPORT, batch: whole }]);
  });

  it('leaves a batch within one chunk whole, in that chunk', () => {
    const one = batch(4, 4, { limitRecordsPerFile: 4 });
    expect(chunkPieces(one)).toEqual([{ range: { index: 1, start: 4, end: 8 }, batch: one }]);
  });

  it('splits a batch that spans chunks, each piece continuing from the record before it', () => {
    const spanning = batch(2, 7, { limitRecordsPerFile: 4 }, { after: 'before', final: true, totalRecords: 9 });
    const pieces = chunkPieces(spanning);
    expect(
      pieces.map((p) => [p.range.index, p.batch.firstSeq, p.batch.records.length, p.batch.final, p.batch.totalRecords]),
    ).toEqual([
      [0, 2, 2, false, undefined],
      [1, 4, 4, false, undefined],
      [2, 8, 1, true, 9],
    ]);
    expect(pieces.map((p) => p.batch.after)).toEqual(['before', recordKeyOf(rec(3)), recordKeyOf(rec(7))]);
    expect(pieces.flatMap((p) => p.batch.records)).toEqual(spanning.records);
  });

  it('puts an empty batch in the chunk of its first sequence number', () => {
    expect(chunkPieces(batch(8, 0, { limitRecordsPerFile: 4 }, { final: true }))[0].range).toEqual({
      index: 2,
      start: 8,
      end: 12,
    });
    expect(chunkPieces(batch(7, 0, { limitRecordsPerFile: 4 }, { final: true }))[0].range.index).toBe(1);
  });
});
