import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, isDuplicateKey, MONGO_DB } from '@cae/mongo';

/** What is durably staged of a job: records with a sequence number below `stagedThroughSeq` are in staged chunks. */
export interface WriterProgress {
  stagedThroughSeq: number;
  /** recordKeyOf the record at stagedThroughSeq - 1 (the last one staged): what a re-read must continue from. */
  stagedThroughKey?: string;
  /** Highest fencing epoch of the query seen in staged batches: batches below it come from a deposed replica. */
  epoch?: number;
  chunksStaged: number;
  done: boolean;
}

interface WriterProgressDocument extends WriterProgress {
  _id: string;
  updatedAt: Date;
}

@Injectable()
export class WriterProgressRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get progress() {
    return this.db.collection<WriterProgressDocument>(Collections.writerProgress);
  }

  async load(jobId: string): Promise<WriterProgress> {
    const found = await this.progress.findOne({ _id: jobId });
    return found
      ? { stagedThroughSeq: found.stagedThroughSeq, stagedThroughKey: found.stagedThroughKey, epoch: found.epoch, chunksStaged: found.chunksStaged, done: found.done }
      : { stagedThroughSeq: 0, chunksStaged: 0, done: false };
  }

  /** Records that the job's records are being written (its open file grows): the reconciler sees it alive. */
  async touch(jobId: string): Promise<void> {
    await this.progress.updateOne(
      { _id: jobId },
      { $set: { updatedAt: new Date() }, $setOnInsert: { stagedThroughSeq: 0, chunksStaged: 0, done: false } },
      { upsert: true },
    );
  }

  /**
   * Saves progress, forward only: a writer that lost the job's partition while it was frozen (a zombie) may stage a
   * chunk the new owner staged long ago, and must not move the progress back (the new owner would then wait for
   * records its committed offset is already past). Marking a job done always goes through.
   */
  async save(jobId: string, progress: WriterProgress): Promise<void> {
    // Not done: only forward, and never over a job marked done (stopped, failed or finished) by another writer.
    const notBehind = progress.done
      ? {}
      : { done: { $ne: true }, $or: [{ stagedThroughSeq: { $lte: progress.stagedThroughSeq } }, { stagedThroughSeq: { $exists: false } }] };
    try {
      await this.progress.updateOne({ _id: jobId, ...notBehind }, { $set: { ...progress, updatedAt: new Date() } }, { upsert: true });
    } catch (error) {
      // The document exists and is ahead of this save (the filter missed it, so the upsert collided): keep it.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
