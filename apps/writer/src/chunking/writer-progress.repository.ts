import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, MONGO_DB } from '@cae/mongo';

/** What is durably staged of a job: records with a sequence number below `stagedThroughSeq` are in staged chunks. */
export interface WriterProgress {
  stagedThroughSeq: number;
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
      ? { stagedThroughSeq: found.stagedThroughSeq, chunksStaged: found.chunksStaged, done: found.done }
      : { stagedThroughSeq: 0, chunksStaged: 0, done: false };
  }

  async save(jobId: string, progress: WriterProgress): Promise<void> {
    await this.progress.updateOne({ _id: jobId }, { $set: { ...progress, updatedAt: new Date() } }, { upsert: true });
  }
}
