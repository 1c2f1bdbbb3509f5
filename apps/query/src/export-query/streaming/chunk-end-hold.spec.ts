import { ChunkEndHold } from './chunk-end-hold';
import { OneInFlight } from './one-in-flight';
import { Batch, RecordBatcher } from './record-batcher';

type B = Batch<number>;
const texts = (batch: B) => batch.records.join(',');

/** Reads records `from`..`to` (exclusive) through a batcher into the hold, as the runner does. */
async function read(batcher: RecordBatcher<number>, hold: ChunkEndHold<B>, from: number, to: number) {
  for (let seq = from; seq < to; seq++) await hold.afterRecord(batcher.add(`r${seq}`, seq));
}

describe(ChunkEndHold.name, () => {
  it('hands every batch on at once when the export is not chunked', async () => {
    const handed: string[] = [];
    const hold = new ChunkEndHold<B>(0, undefined, async (batch) => void handed.push(texts(batch)));
    const batcher = new RecordBatcher<number>(2, 1_000_000);

    await read(batcher, hold, 0, 5);

    expect(handed).toEqual(['r0,r1', 'r2,r3']);
    expect(hold.takeHeld()).toBeNull();
    expect(batcher.take().records).toEqual(['r4']);
  });

  it('holds a chunk end until the next record shows up, and hands it on before that record goes anywhere', async () => {
    const handed: string[] = [];
    const hold = new ChunkEndHold<B>(0, 4, async (batch) => void handed.push(texts(batch)));
    const batcher = new RecordBatcher<number>(2, 1_000_000, { firstSeq: 0, recordsPerChunk: 4 });

    await read(batcher, hold, 0, 4);
    expect(handed).toEqual(['r0,r1']); // r2,r3 ends the first chunk: held

    await read(batcher, hold, 4, 8);
    expect(handed).toEqual(['r0,r1', 'r2,r3', 'r4,r5']);
    // Nothing came after r7, the end of the second chunk: it is the final batch.
    expect(texts(hold.takeHeld()!)).toBe('r6,r7');
    expect(hold.takeHeld()).toBeNull();
  });

  it('counts chunk ends from the resume point', async () => {
    const handed: string[] = [];
    const hold = new ChunkEndHold<B>(3, 4, async (batch) => void handed.push(texts(batch)));
    const batcher = new RecordBatcher<number>(2, 1_000_000, { firstSeq: 3, recordsPerChunk: 4 });

    await read(batcher, hold, 3, 4); // record 3 is the last of the first chunk
    expect(handed).toEqual([]);
    await read(batcher, hold, 4, 7);
    expect(handed).toEqual(['r3', 'r4,r5']);
    expect(hold.takeHeld()).toBeNull(); // r6 waits in the batcher: not a chunk end
  });

  it('hands on a batch cut for size and holds the chunk end completed by the same record', async () => {
    const handed: string[] = [];
    const hold = new ChunkEndHold<B>(0, 3, async (batch) => void handed.push(texts(batch)));
    // Two-byte records; the third does not fit beside the first two (5 bytes at most), and it ends the chunk.
    const batcher = new RecordBatcher<number>(10, 5, { firstSeq: 0, recordsPerChunk: 3 });

    await read(batcher, hold, 0, 3);

    expect(handed).toEqual(['r0,r1']);
    expect(texts(hold.takeHeld()!)).toBe('r2');
  });

  it('holds a chunk end while the batch before it is still being published', async () => {
    const published: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const publishing = new OneInFlight();
    // The first publish stays in flight until the test releases it; the runner's own count lags behind it.
    const hold = new ChunkEndHold<B>(0, 4, (batch) =>
      publishing.next(async () => {
        if (published.length === 0) await gate;
        published.push(texts(batch));
      }),
    );
    const batcher = new RecordBatcher<number>(2, 1_000_000, { firstSeq: 0, recordsPerChunk: 4 });

    await read(batcher, hold, 0, 4);

    expect(published).toEqual([]); // r0,r1 is in flight
    const chunkEnd = hold.takeHeld();
    expect(chunkEnd && texts(chunkEnd)).toBe('r2,r3');
    release();
    await publishing.drain();
    expect(published).toEqual(['r0,r1']);
  });
});
