export interface Batch<K> {
  records: Record<string, unknown>[];
  /** Resume key of the batch's last record (its position in the export order). */
  lastKey: K | undefined;
}

/**
 * Cuts a stream of records into batches of at most `maxRecords` records and about `maxBytes` of JSON.
 * The cut depends only on the records, so the same records always give the same batches.
 */
export class RecordBatcher<K> {
  private records: Record<string, unknown>[] = [];
  private lastKey: K | undefined;
  private bytes = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds a record; returns a full batch when one is complete (the record may already be in the next one). */
  add(record: Record<string, unknown>, key: K): Batch<K> | null {
    const size = Buffer.byteLength(JSON.stringify(record));
    const overflow = this.records.length > 0 && this.bytes + size > this.maxBytes ? this.take() : null;
    this.records.push(record);
    this.lastKey = key;
    this.bytes += size;
    if (overflow) return overflow;
    return this.records.length >= this.maxRecords ? this.take() : null;
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
