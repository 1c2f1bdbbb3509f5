import { RecordBatcher } from './record-batcher';

describe(RecordBatcher.name, () => {
  it('cuts by count and remembers the last key of each batch', () => {
    const sut = new RecordBatcher<number>(2, 1_000_000);
    expect(sut.add({ a: 1 }, 1)).toBeNull();
    expect(sut.add({ a: 2 }, 2)).toEqual({ records: [{ a: 1 }, { a: 2 }], lastKey: 2 });
    expect(sut.add({ a: 3 }, 3)).toBeNull();
    expect(sut.take()).toEqual({ records: [{ a: 3 }], lastKey: 3 });
    expect(sut.take()).toEqual({ records: [], lastKey: undefined });
  });

  it('cuts by bytes before the record that would overflow, never leaving a record behind', () => {
    const sut = new RecordBatcher<string>(100, 30);
    expect(sut.add({ s: 'x'.repeat(10) }, 'x')).toBeNull();
    expect(sut.add({ s: 'y'.repeat(10) }, 'y')).toEqual({ records: [{ s: 'x'.repeat(10) }], lastKey: 'x' });
    expect(sut.add({ s: 'z'.repeat(100) }, 'z')).toEqual({ records: [{ s: 'y'.repeat(10) }], lastKey: 'y' });
    expect(sut.take()).toEqual({ records: [{ s: 'z'.repeat(100) }], lastKey: 'z' });
  });
});
