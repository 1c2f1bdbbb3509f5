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
  /** Set once the chunk reached `limitRecordsPerFile`; it is staged when the next record or the end arrives. */
  summary?: ChunkFileSummary;
}

/** Raised when records are missing before a batch (e.g. stale state after a rebalance); the caller reloads. */
export class RecordGapError extends Error {}

/**
 * Turns one job's record batches into chunk files. Chunk k holds records [k * limit, (k + 1) * limit) of the
 * export order, so chunk boundaries, names and contents depend on the records alone; batches or records seen
 * again after a restart (sequence below `nextSeq`) are skipped. A full chunk is staged when the next record
 * arrives or when the export ends, so the last chunk is always known to be the last.
 */
export class JobChunker {
  private nextSeq: number;
  /** recordKeyOf the record at nextSeq - 1: what the next batch must continue from. */
  private lastKey: string | undefined;
  /** Highest query fencing epoch seen: a batch below it is a deposed replica's, and is dropped. */
  private epoch: number | undefined;
  private open: OpenChunk | null = null;
  private finished: boolean;

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
    private readonly chunkPath: (index: number) => string = (index) => join(tmpDir, `${jobId}-${index}-${randomBytes(4).toString('hex')}.part`),
  ) {
    this.nextSeq = progress.stagedThroughSeq;
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

  async accept(batch: RecordsBatchValue, offset: string): Promise<void> {
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
    return new NonRetriableError('LOCAL_DISK_FULL', 'the writer\'s local disk is full; the export was stopped (run it again once there is room)');
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
    for (let i = Math.max(0, this.nextSeq - batch.firstSeq); i < batch.records.length; i++) {
      const seq = batch.firstSeq + i;
      if (this.open?.summary) await this.stageOpen(batch, false);
      const open = this.open ?? (await this.openChunk(batch, formatter, seq, offset));
      await open.file.append(formatter.line(batch.records[i]));
      open.records += 1;
      this.nextSeq = seq + 1;
      this.lastKey = recordKeyOf(batch.records[i]);
      if (batch.output.limitRecordsPerFile && open.records >= batch.output.limitRecordsPerFile) {
        open.summary = await open.file.close();
      }
    }
    if (batch.final) await this.finish(batch, formatter, offset);
  }

  /**
   * Sequence numbers alone cannot tell a batch read again after a crash that no longer matches what was written (an
   * activity appeared or vanished in the part already read): the record just before this job's next one, as the
   * batch has it, must be the last record written. Otherwise one record would be lost and another written twice.
   */
  private checkContinuity(batch: RecordsBatchValue): void {
    if (this.nextSeq === 0 || this.lastKey === undefined) return;
    const atPrevious = this.nextSeq - 1 - batch.firstSeq;
    const seen = atPrevious >= 0 ? (atPrevious < batch.records.length ? recordKeyOf(batch.records[atPrevious]) : undefined) : undefined;
    const claimed = atPrevious === -1 ? batch.after : seen;
    if (claimed !== undefined && claimed !== this.lastKey) {
      throw new NonRetriableError(
        'REPLAY_DIVERGED',
        'the activities changed while the export was read again after an interruption, so its files could not be continued exactly; please run the export again',
      );
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
      throw new NonRetriableError('RECORD_COUNT_MISMATCH', `job ${this.jobId}: ${this.nextSeq} records written, ${batch.totalRecords} announced`);
    }
    if (!this.open) {
      if (this.nextSeq !== 0) throw new RecordGapError(`job ${this.jobId}: end of export without an open chunk`);
      // An export that matched nothing still gets one file: the header alone (CSV) or empty (JSON).
      await this.openChunk(batch, formatter, 0, offset);
    }
    await this.stageOpen(batch, true);
    this.finished = true;
  }

  private async openChunk(batch: RecordsBatchValue, formatter: RecordFormatter, seq: number, offset: string): Promise<OpenChunk> {
    const index = chunkIndexOf(seq, batch.output.limitRecordsPerFile);
    const file = new ChunkFile(this.chunkPath(index), batch.output.compress);
    await file.append(formatter.header());
    this.open = { index, file, firstSeq: seq, records: 0, startOffset: offset };
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
