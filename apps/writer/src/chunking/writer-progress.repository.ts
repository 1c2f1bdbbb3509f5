import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, isDuplicateKey, MONGO_DB } from '@cae/mongo';
import { ChunkRange } from './job-chunker';

/**
 * What is durably staged of a job's records, or of one chunk of them: records with a sequence number below
 * `stagedThroughSeq` are in staged files.
 */
export interface WriterProgress {
  stagedThroughSeq: number;
  /** recordKeyOf the record at stagedThroughSeq - 1 (the last one staged): what a re-read must continue from. */
  stagedThroughKey?: string;
  /** Highest fencing epoch of the query seen in staged batches: batches below it come from a deposed replica. */
  epoch?: number;
  chunksStaged?: number;
  done: boolean;
}

/** What a staged chunk says about its edges: checked against its neighbours, which other writers may have staged. */
export interface ChunkEdges {
  afterKey?: string;
  lastKey?: string;
}

/**
 * Documents of `writer_progress`: `<jobId>` for the job (its liveness for the reconciler; `done` once its last file
 * is staged, `stopped` too when it ended; the progress itself for an unchunked export), and `<jobId>:<chunkIndex>` for
 * each chunk of a chunked export, which any writer replica may stage. The last chunk may be staged before others
 * (other writers), so only `stopped` stops a chunk.
 */
interface WriterProgressDocument extends Partial<WriterProgress> {
  _id: string;
  updatedAt: Date;
  edges?: ChunkEdges;
  /** On a job's document: it ended elsewhere or failed here, so no chunk of it is written any more. */
  stopped?: boolean;
}

export function chunkProgressId(jobId: string, index: number): string {
  return `${jobId}:${index}`;
}

@Injectable()
export class WriterProgressRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get progress() {
    return this.db.collection<WriterProgressDocument>(Collections.writerProgress);
  }

  /** The progress of a whole (unchunked) export, or of one chunk of a chunked one. */
  async load(jobId: string, chunk?: ChunkRange): Promise<WriterProgress> {
    if (!chunk) return this.loadDocument(await this.progress.findOne({ _id: jobId }));
    const id = chunkProgressId(jobId, chunk.index);
    const found = await this.progress.find({ _id: { $in: [jobId, id] } }).toArray();
    const job = found.find((each) => each._id === jobId);
    const own = found.find((each) => each._id === id);
    if (job?.stopped) return { stagedThroughSeq: chunk.start, done: true };
    if (own?.stagedThroughSeq !== undefined) return this.loadDocument(own);
    // A job begun by a writer from before chunk keys keeps its progress on the job: whole chunks, staged in order.
    const before = job?.stagedThroughSeq ?? 0;
    if (before >= chunk.end) return { stagedThroughSeq: chunk.end, done: true };
    if (before === chunk.start && before > 0)
      return { stagedThroughSeq: before, stagedThroughKey: job?.stagedThroughKey, epoch: job?.epoch, done: false };
    return { stagedThroughSeq: chunk.start, done: false };
  }

  private loadDocument(found: WriterProgressDocument | null | undefined): WriterProgress {
    return found
      ? {
          stagedThroughSeq: found.stagedThroughSeq ?? 0,
          stagedThroughKey: found.stagedThroughKey,
          epoch: found.epoch,
          chunksStaged: found.chunksStaged,
          done: found.done === true,
        }
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

  /** Marks the job's last file staged (`finished`), or the job stopped: then every writer skips its batches. */
  async markJobDone(jobId: string, how: 'finished' | 'stopped'): Promise<void> {
    const set = how === 'stopped' ? { done: true, stopped: true } : { done: true };
    await this.progress.updateOne(
      { _id: jobId },
      { $set: { ...set, updatedAt: new Date() }, $setOnInsert: { stagedThroughSeq: 0, chunksStaged: 0 } },
      { upsert: true },
    );
  }

  /**
   * Saves progress (of the job, or of a chunk: `chunkProgressId`), forward only: a writer that lost the partition
   * while it was frozen (a zombie) may stage a chunk the new owner staged long ago, and must not move the progress
   * back (the new owner would then wait for records its committed offset is already past). Marking done always
   * goes through.
   */
  async save(id: string, progress: WriterProgress): Promise<void> {
    // Not done: only forward, and never over a job marked done (stopped, failed or finished) by another writer.
    const notBehind = progress.done
      ? {}
      : {
          done: { $ne: true },
          $or: [{ stagedThroughSeq: { $lte: progress.stagedThroughSeq } }, { stagedThroughSeq: { $exists: false } }],
        };
    try {
      await this.progress.updateOne(
        { _id: id, ...notBehind },
        { $set: { ...progress, updatedAt: new Date() } },
        { upsert: true },
      );
    } catch (error) {
      // The document exists and is ahead of this save (the filter missed it, so the upsert collided): keep it.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Saves a chunk's edges, then reads its neighbours' (whichever are staged or being staged). Saving first means that
   * of two neighbours staged at once, at least one sees the other's edges.
   */
  async claimEdges(
    jobId: string,
    index: number,
    edges: ChunkEdges,
  ): Promise<{ previous?: ChunkEdges; next?: ChunkEdges }> {
    await this.progress.updateOne(
      { _id: chunkProgressId(jobId, index) },
      { $set: { edges, updatedAt: new Date() } },
      { upsert: true },
    );
    const ids = [chunkProgressId(jobId, index - 1), chunkProgressId(jobId, index + 1)];
    const found = await this.progress.find({ _id: { $in: ids } }, { projection: { edges: 1 } }).toArray();
    return {
      previous: found.find((each) => each._id === ids[0])?.edges,
      next: found.find((each) => each._id === ids[1])?.edges,
    };
  }
}
