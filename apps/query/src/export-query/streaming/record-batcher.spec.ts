import { RecordBatcher } from './record-batcher';

describe(RecordBatcher.name, () => {
  it('cuts by count and remembers the last key of each batch', () => {
    const sut = new RecordBatcher<number>(2, 1_000_000);
    expect(sut.add({ a: 1 }, 1)).toEqual([]);
    expect(sut.add({ a: 2 }, 2)).toEqual([{ records: [{ a: 1 }, { a: 2 }], lastKey: 2 }]);
    expect(sut.add({ a: 3 }, 3)).toEqual([]);
    expect(sut.take()).toEqual({ records: [{ a: 3 }], lastKey: 3 });
    expect(sut.take()).toEqual({ records: [], lastKey: undefined });
  });

  it('cuts by bytes before the record that would overflow, never leaving a record behind', () => {
    const sut = new RecordBatcher<string>(100, 30);
    expect(sut.add({ s: 'x'.repeat(10) }, 'x')).toEqual([]);
    expect(sut.add({ s: 'y'.repeat(10) }, 'y')).toEqual([{ records: [{ s: 'x'.repeat(10) }], lastKey: 'x' }]);
    expect(sut.add({ s: 'z'.repeat(100) }, 'z')).toEqual([{ records: [{ s: 'y'.repeat(10) }], lastKey: 'y' }]);
    expect(sut.take()).toEqual({ records: [{ s: 'z'.repeat(100) }], lastKey: 'z' });
  });

  it('ends a batch at the last record of every chunk, counting from where it starts', () => {
    // Resumed at record 5 of an export chunked by 4: chunks end at records 7, 11, 15, ...
    const sut = new RecordBatcher<number>(3, 1_000_000, { firstSeq: 5, recordsPerChunk: 4 });
    const cuts = [5, 6, 7, 8, 9, 10, 11, 12].map((seq) =>
      sut.add({ seq }, seq).map((batch) => batch.records.map((r) => r.seq)),
    );
    expect(cuts).toEqual([[], [], [[5, 6, 7]], [], [], [[8, 9, 10]], [[11]], []]);
    expect(sut.take().records).toEqual([{ seq: 12 }]);
  });

  it('gives both batches when a size cut and a chunk end fall on the same record', () => {
    const sut = new RecordBatcher<string>(100, 30, { firstSeq: 0, recordsPerChunk: 2 });
    expect(sut.add({ s: 'x'.repeat(10) }, 'x')).toEqual([]);
    expect(sut.add({ s: 'y'.repeat(10) }, 'y')).toEqual([
      { records: [{ s: 'x'.repeat(10) }], lastKey: 'x' },
      { records: [{ s: 'y'.repeat(10) }], lastKey: 'y' },
    ]);
  });
});
