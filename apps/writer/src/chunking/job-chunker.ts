import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliverySpec, OutputSpec, RecordsBatchValue } from '@cae/contracts';
import { ChunkFile, ChunkFileSummary, chunkFileName, chunkIndexOf, RecordFormatter, recordKeyOf } from '@cae/formats';
import { NonRetriableError } from '@cae/kafka';
import { WriterProgress } from './writer-progress.repository';

/** A finished chunk file, ready to be staged. */
export interface FinishedChunk extends ChunkFileSummary {
  jobId: string;
  accountId: string;
  index: number;
  fileName: string;
  firstSeq: number;
  records: number;
  /** recordKeyOf the chunk's last record (none for the empty file of an export that matched nothing). */
  lastKey?: string;
  /**
   * recordKeyOf the record before the chunk's first one, as the read that opened the chunk had it (chunks after the
   * first only): it must be the previous chunk's `lastKey`, which another writer may have staged from another read.
   */
  afterKey?: string;
  /** The query's fencing epoch when the chunk was staged. */
  epoch?: number;
  last: boolean;
  totalRecords?: number;
  output: OutputSpec;
  delivery: DeliverySpec;
}

/** Stages a finished chunk durably (storage, chunk event, progress); resolves only when all three are done. */
export type StageChunk = (chunk: FinishedChunk) => Promise<void>;

interface OpenChunk {
  index: number;
  file: ChunkFile;
  firstSeq: number;
  records: number;
  /** Offset of the records message holding this chunk's first record: the consumer may not commit past it. */
  startOffset: string;
  afterKey?: string;
  /** Kept once closed, so a retry after a failed upload stages the same file instead of closing it twice. */
  summary?: ChunkFileSummary;
}

/** The records one chunker takes: sequence numbers [start, end) of chunk `index` (a whole unchunked export: 0, ∞). */
export interface ChunkRange {
  index: number;
  start: number;
  end: number;
}

/** The whole of an unchunked export, which is one file. */
export const WHOLE_EXPORT: ChunkRange = { index: 0, start: 0, end: Number.MAX_SAFE_INTEGER };

/** The job's failure when a re-read after an interruption does not continue its files exactly. */
export function replayDiverged(): NonRetriableError {
  return new NonRetriableError(
    'REPLAY_DIVERGED',
    'the activities changed while the export was read again after an interruption, so its files could not be continued exactly; please run the export again',
  );
}

/** Raised when records are missing before a batch (e.g. stale state after a rebalance); the caller reloads. */
export class RecordGapError extends Error {}

/**
 * Turns the record batches of one chunk of a job (or of a whole unchunked export) into its file. Chunk k holds
 * records [k * limit, (k + 1) * limit) of the export order, so chunk boundaries, names and contents depend on the
 * records alone; batches or records seen again after a restart (sequence below `nextSeq`) are skipped. Each chunk
 * has its own chunker, so the chunks of one job can be written by different writer replicas at once. A full chunk
 * is staged at once: the query holds back a batch that completes a chunk until it knows whether more records
 * follow, so that batch says `final` when its chunk is the last.
 */
export class JobChunker {
  private nextSeq: number;
  /** recordKeyOf the record at nextSeq - 1: what the next batch must continue from. */
  private lastKey: string | undefined;
  /** Highest query fencing epoch seen: a batch below it is a deposed replica's, and is dropped. */
  private epoch: number | undefined;
  private open: OpenChunk | null = null;
  private finished: boolean;

  /** When the last batch came (the consumer looks again at chunks that wait long: their job may have ended). */
  lastBatchAt = Date.now();
  /** The job's account, from its batches (for log lines); unset until the first batch came. */
  accountId?: string;

  constructor(
    readonly jobId: string,
    readonly partition: number,
    progress: WriterProgress,
    tmpDir: string,
    private readonly stage: StageChunk,
    /**
     * Where a chunk's local file goes: unique per opening, so a chunker dropped with its file still open (a failed
     * batch, a revoked partition taken back) never writes into the file of the chunker that replaces it.
     */
    private readonly chunkPath: (index: number) => string = (index) =>
      join(tmpDir, `${jobId}-${index}-${randomBytes(4).toString('hex')}.part`),
    readonly range: ChunkRange = WHOLE_EXPORT,
  ) {
    this.nextSeq = Math.max(progress.stagedThroughSeq, range.start);
    this.lastKey = progress.stagedThroughKey;
    this.epoch = progress.epoch;
    this.finished = progress.done;
  }

  get done(): boolean {
    return this.finished;
  }

  /** The offset this job needs to be re-read from after a crash, or null when nothing is held open. */
  get heldOffset(): string | null {
    return this.open?.startOffset ?? null;
  }

  /** Takes a batch whose records all lie in this chunker's range (RecordsConsumer splits batches by chunk). */
  async accept(batch: RecordsBatchValue, offset: string): Promise<void> {
    this.lastBatchAt = Date.now();
    this.accountId = batch.accountId;
    try {
      await this.acceptBatch(batch, offset);
    } catch (error) {
      throw await this.diskFailure(error);
    }
  }

  /**
   * A full local disk fails the job at once with a clear code (retrying the same batch cannot make room); the open
   * chunk's file is dropped so the space it took is given back. Other errors pass through.
   */
  private async diskFailure(error: unknown): Promise<unknown> {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') return error;
    await this.abandon();
    return new NonRetriableError(
      'LOCAL_DISK_FULL',
      "the writer's local disk is full; the export was stopped (run it again once there is room)",
    );
  }

  private async acceptBatch(batch: RecordsBatchValue, offset: string): Promise<void> {
    if (this.finished) return;
    if (batch.epoch !== undefined) {
      if (this.epoch !== undefined && batch.epoch < this.epoch) return; // a late batch of a replica that lost the job
      this.epoch = batch.epoch;
    }
    if (batch.firstSeq > this.nextSeq) {
      throw new RecordGapError(`job ${this.jobId}: expected record ${this.nextSeq}, batch starts at ${batch.firstSeq}`);
    }
    this.checkContinuity(batch);
    const formatter = new RecordFormatter(batch.output);
    const limit = batch.output.limitRecordsPerFile;
    for (let i = Math.max(0, this.nextSeq - batch.firstSeq); i < batch.records.length; i++) {
      const seq = batch.firstSeq + i;
      if (seq >= this.range.end) throw new Error(`job ${this.jobId}: record ${seq} is past chunk ${this.range.index}`);
      const open = this.open ?? (await this.openChunk(batch, formatter, seq, offset));
      await open.file.append(formatter.line(batch.records[i]));
      open.records += 1;
      this.nextSeq = seq + 1;
      this.lastKey = recordKeyOf(batch.records[i]);
    }
    if (limit && this.open && this.open.records >= limit) {
      // Full: staged now, as the last file only when the query said nothing follows (see the class comment).
      if (batch.final) await this.finish(batch, formatter, offset);
      else await this.stageOpen(batch, false);
      this.finished = true;
    } else if (batch.final) {
      await this.finish(batch, formatter, offset);
    }
  }

  /**
   * Sequence numbers alone cannot tell a batch read again after a crash that no longer matches what was written (an
   * activity appeared or vanished in the part already read): the record just before this job's next one, as the
   * batch has it, must be the last record written. Otherwise one record would be lost and another written twice.
   */
  private checkContinuity(batch: RecordsBatchValue): void {
    if (this.nextSeq === 0 || this.lastKey === undefined) return;
    const atPrevious = this.nextSeq - 1 - batch.firstSeq;
    const seen =
      atPrevious >= 0
        ? atPrevious < batch.records.length
          ? recordKeyOf(batch.records[atPrevious])
          : undefined
        : undefined;
    const claimed = atPrevious === -1 ? batch.after : seen;
    if (claimed !== undefined && claimed !== this.lastKey) {
      throw replayDiverged();
    }
  }

  /** Drops the open chunk's local file (after a rebalance or on shutdown); its records will be read again. */
  async abandon(): Promise<void> {
    if (!this.open) return;
    this.open.file.destroy();
    await rm(this.open.file.path, { force: true });
    this.open = null;
  }

  private async finish(batch: RecordsBatchValue, formatter: RecordFormatter, offset: string): Promise<void> {
    if (batch.totalRecords !== undefined && batch.totalRecords !== this.nextSeq) {
      throw new NonRetriableError(
        'RECORD_COUNT_MISMATCH',
        `job ${this.jobId}: ${this.nextSeq} records written, ${batch.totalRecords} announced`,
      );
    }
    if (!this.open) {
      if (this.nextSeq !== this.range.start)
        throw new RecordGapError(`job ${this.jobId}: end of export without an open chunk`);
      // An export that matched nothing still gets one file: the header alone (CSV) or empty (JSON). So does a chunked
      // export whose last chunk was staged full before a re-read found no more records (one vanished meanwhile).
      await this.openChunk(batch, formatter, this.range.start, offset);
    }
    await this.stageOpen(batch, true);
    this.finished = true;
  }

  private async openChunk(
    batch: RecordsBatchValue,
    formatter: RecordFormatter,
    seq: number,
    offset: string,
  ): Promise<OpenChunk> {
    const index = chunkIndexOf(seq, batch.output.limitRecordsPerFile);
    const file = new ChunkFile(this.chunkPath(index), batch.output.compress);
    await file.append(formatter.header());
    // The record before a chunk's first one, as this read has it (the chunk is only ever opened at its start).
    const afterKey = seq > 0 && seq === batch.firstSeq ? batch.after : undefined;
    this.open = { index, file, firstSeq: seq, records: 0, startOffset: offset, afterKey };
    return this.open;
  }

  private async stageOpen(batch: RecordsBatchValue, last: boolean): Promise<void> {
    const open = this.open;
    if (!open) return;
    // Kept on the chunk so a retry after a failed upload stages the same file instead of closing it twice.
    const summary = (open.summary ??= await open.file.close());
    await this.stage({
      ...summary,
      jobId: this.jobId,
      accountId: batch.accountId,
      index: open.index,
      fileName: chunkFileName(batch.output, open.index),
      firstSeq: open.firstSeq,
      records: open.records,
      lastKey: open.records > 0 ? this.lastKey : undefined,
      afterKey: open.afterKey,
      epoch: this.epoch,
      last,
      totalRecords: last ? this.nextSeq : undefined,
      output: batch.output,
      delivery: batch.delivery,
    });
    await rm(summary.path, { force: true });
    this.open = null;
  }
}
