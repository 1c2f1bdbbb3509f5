export interface Batch<K> {
  /** The records' JSON texts (see PreparedRecord). */
  records: string[];
  /** Resume key of the batch's last record (its position in the export order). */
  lastKey: K | undefined;
}

/** Where the batches start, and the chunk size of a chunked export: no batch crosses a chunk boundary. */
export interface ChunkBoundaries {
  /** Sequence number of the first record added. */
  firstSeq: number;
  /** `limitRecordsPerFile`: a batch ends at the last record of every chunk. */
  recordsPerChunk: number;
}

/**
 * Cuts a stream of records (JSON texts) into batches of at most `maxRecords` records and about `maxBytes`, and, for a
 * chunked export, at each chunk's last record (so every batch belongs to one chunk, which is its Kafka key).
 * The cut depends only on the records, so the same records always give the same batches.
 */
export class RecordBatcher<K> {
  private records: string[] = [];
  private lastKey: K | undefined;
  private bytes = 0;
  /** Sequence number of the next record added (counted only when cutting at chunk boundaries). */
  private nextSeq: number;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
    private readonly chunks?: ChunkBoundaries,
  ) {
    this.nextSeq = chunks?.firstSeq ?? 0;
  }

  /**
   * Adds a record; returns the batches it completes, in order: none, one, or two (the records before it, cut for
   * size, then a batch ending with it at a chunk's end).
   */
  add(record: string, key: K): Batch<K>[] {
    const size = Buffer.byteLength(record);
    const done: Batch<K>[] = [];
    if (this.records.length > 0 && this.bytes + size > this.maxBytes) done.push(this.take());
    this.records.push(record);
    this.lastKey = key;
    this.bytes += size;
    const seq = this.nextSeq++;
    const endsChunk = this.chunks !== undefined && (seq + 1) % this.chunks.recordsPerChunk === 0;
    if (endsChunk || this.records.length >= this.maxRecords) done.push(this.take());
    return done;
  }

  /** Whatever is left, possibly nothing. */
  take(): Batch<K> {
    const batch = { records: this.records, lastKey: this.lastKey };
    this.records = [];
    this.lastKey = undefined;
    this.bytes = 0;
    return batch;
  }
}
