import { RecordBatcher } from './record-batcher';

/** A record's JSON text, as the batcher gets it. */
const j = (record: Record<string, unknown>) => JSON.stringify(record);

describe(RecordBatcher.name, () => {
  it('cuts by count and remembers the last key of each batch', () => {
    const sut = new RecordBatcher<number>(2, 1_000_000);
    expect(sut.add(j({ a: 1 }), 1)).toEqual([]);
    expect(sut.add(j({ a: 2 }), 2)).toEqual([{ records: [j({ a: 1 }), j({ a: 2 })], lastKey: 2 }]);
    expect(sut.add(j({ a: 3 }), 3)).toEqual([]);
    expect(sut.take()).toEqual({ records: [j({ a: 3 })], lastKey: 3 });
    expect(sut.take()).toEqual({ records: [], lastKey: undefined });
  });

  it('cuts by bytes before the record that would overflow, never leaving a record behind', () => {
    const sut = new RecordBatcher<string>(100, 30);
    expect(sut.add(j({ s: 'x'.repeat(10) }), 'x')).toEqual([]);
    expect(sut.add(j({ s: 'y'.repeat(10) }), 'y')).toEqual([{ records: [j({ s: 'x'.repeat(10) })], lastKey: 'x' }]);
    expect(sut.add(j({ s: 'z'.repeat(100) }), 'z')).toEqual([{ records: [j({ s: 'y'.repeat(10) })], lastKey: 'y' }]);
    expect(sut.take()).toEqual({ records: [j({ s: 'z'.repeat(100) })], lastKey: 'z' });
  });

  it('counts bytes as UTF-8, not as characters', () => {
    // 15 characters but 29 bytes each: two fit in 40 characters, not in 40 bytes.
    const sut = new RecordBatcher<number>(100, 40);
    expect(sut.add(j({ s: '€€€€€€€' }), 1)).toEqual([]);
    expect(sut.add(j({ s: '€€€€€€€' }), 2)).toEqual([{ records: [j({ s: '€€€€€€€' })], lastKey: 1 }]);
  });

  it('ends a batch at the last record of every chunk, counting from where it starts', () => {
    // Resumed at record 5 of an export chunked by 4: chunks end at records 7, 11, 15, ...
    const sut = new RecordBatcher<number>(3, 1_000_000, { firstSeq: 5, recordsPerChunk: 4 });
    const cuts = [5, 6, 7, 8, 9, 10, 11, 12].map((seq) =>
      sut.add(j({ seq }), seq).map((batch) => batch.records.map((r) => (JSON.parse(r) as { seq: number }).seq)),
    );
    expect(cuts).toEqual([[], [], [[5, 6, 7]], [], [], [[8, 9, 10]], [[11]], []]);
    expect(sut.take().records).toEqual([j({ seq: 12 })]);
  });

  it('gives both batches when a size cut and a chunk end fall on the same record', () => {
    const sut = new RecordBatcher<string>(100, 30, { firstSeq: 0, recordsPerChunk: 2 });
    expect(sut.add(j({ s: 'x'.repeat(10) }), 'x')).toEqual([]);
    expect(sut.add(j({ s: 'y'.repeat(10) }), 'y')).toEqual([
      { records: [j({ s: 'x'.repeat(10) })], lastKey: 'x' },
      { records: [j({ s: 'y'.repeat(10) })], lastKey: 'y' },
    ]);
  });
});
