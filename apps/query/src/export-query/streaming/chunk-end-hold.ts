/**
 * Holds back a batch that completes a chunk until the next record shows up (then it is not the export's last) or
 * the read ends (then the runner publishes it as the final batch): the writer of that chunk stages it at once,
 * knowing whether it is the export's last file. Unchunked exports have no chunk ends, so nothing is held.
 *
 * Chunk ends are counted from the batches handed on, not from the ones already published: with one batch in flight
 * (see OneInFlight), the published count lags behind by that batch, and counting from it would miss a chunk end.
 */
export class ChunkEndHold<B extends { records: readonly unknown[] }> {
  private held: B | null = null;
  /** The sequence number after the last batch handed on. */
  private handedSeq: number;

  constructor(
    firstSeq: number,
    private readonly recordsPerChunk: number | undefined,
    private readonly handOn: (batch: B) => Promise<void>,
  ) {
    this.handedSeq = firstSeq;
  }

  /**
   * Called once per record read, with the batches its arrival completed (see RecordBatcher.add): a held batch is
   * handed on first (this record comes after it), then the completed ones, except a last one that ends a chunk.
   */
  async afterRecord(completed: readonly B[]): Promise<void> {
    const held = this.held;
    this.held = null;
    if (held) await this.hand(held);
    for (const [i, batch] of completed.entries()) {
      if (i === completed.length - 1 && this.endsChunk(batch)) this.held = batch;
      else await this.hand(batch);
    }
  }

  /** At the end of the read: the held batch (nothing came after it, so it is the final one), or null. */
  takeHeld(): B | null {
    const held = this.held;
    this.held = null;
    return held;
  }

  private endsChunk(batch: B): boolean {
    const { recordsPerChunk } = this;
    return recordsPerChunk !== undefined && (this.handedSeq + batch.records.length) % recordsPerChunk === 0;
  }

  private hand(batch: B): Promise<void> {
    this.handedSeq += batch.records.length;
    return this.handOn(batch);
  }
}
