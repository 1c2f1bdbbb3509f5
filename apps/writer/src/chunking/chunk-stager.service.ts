import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Topic } from '@cae/contracts';
import { contentTypeOf } from '@cae/formats';
import { ContractProducer, PRODUCER } from '@cae/kafka';
import { JobEndings } from '@cae/mongo';
import { ObjectStorage, stagingKey } from '@cae/storage';
import { serviceMetrics } from '@cae/service-kit';
import { WriterEnv } from '../config/writer-env';
import { FinishedChunk, replayDiverged } from './job-chunker';
import { chunkProgressId, WriterProgressRepository } from './writer-progress.repository';

/**
 * Makes a finished chunk durable, in this order: the file in staging storage (same key every time, so a retry
 * overwrites), the check of its edges against the neighbouring chunks (chunked exports), then the chunk event, then
 * the writer's progress. A crash between steps repeats them; every step is idempotent, and the consumer commits its
 * offset only after all of them.
 */
@Injectable()
export class ChunkStager implements OnModuleInit {
  private readonly logger = new Logger(ChunkStager.name);

  constructor(
    private readonly storage: ObjectStorage,
    private readonly progress: WriterProgressRepository,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly env: WriterEnv,
    private readonly jobs: JobEndings,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.env.S3_CREATE_BUCKETS) await this.storage.ensureBucket(this.env.STAGING_BUCKET);
  }

  async stage(chunk: FinishedChunk): Promise<void> {
    // A job that failed elsewhere gets no more files: JobEndedError makes the consumer stop the job here.
    await this.jobs.assertRunning(chunk.jobId, 'before staging');
    const key = stagingKey(chunk.jobId, chunk.fileName);
    await this.storage.putFile(this.env.STAGING_BUCKET, key, chunk.path, contentTypeOf(chunk.fileName));
    const chunked = chunk.output.limitRecordsPerFile !== undefined;
    if (chunked) await this.checkEdges(chunk);
    await this.producer.publish(Topic.Chunks, chunk.jobId, {
      jobId: chunk.jobId,
      accountId: chunk.accountId,
      chunkIndex: chunk.index,
      fileName: chunk.fileName,
      stagingKey: key,
      records: chunk.records,
      bytes: chunk.bytes,
      sha256: chunk.sha256,
      firstSeq: chunk.firstSeq,
      compressed: chunk.output.compress,
      chunked: chunk.output.limitRecordsPerFile !== undefined,
      last: chunk.last,
      chunkCount: chunk.last ? chunk.index + 1 : undefined,
      totalRecords: chunk.totalRecords,
      delivery: chunk.delivery,
    });
    const staged = {
      stagedThroughSeq: chunk.firstSeq + chunk.records,
      stagedThroughKey: chunk.lastKey,
      epoch: chunk.epoch,
    };
    if (chunked) {
      await this.progress.save(chunkProgressId(chunk.jobId, chunk.index), { ...staged, done: true });
      if (chunk.last) await this.progress.markJobDone(chunk.jobId, 'finished');
      else await this.progress.touch(chunk.jobId);
    } else {
      await this.progress.save(chunk.jobId, { ...staged, chunksStaged: 1, done: chunk.last });
    }
    serviceMetrics.filesStaged.inc();
    serviceMetrics.bytesStaged.inc(chunk.bytes);
    this.logger.log({
      message: 'chunk staged',
      jobId: chunk.jobId,
      accountId: chunk.accountId,
      chunk: chunk.index,
      file: chunk.fileName,
      records: chunk.records,
      last: chunk.last,
    });
  }

  /**
   * Chunks of one job may be written by different writers, each from the read it saw: after a re-read, one chunk may
   * come from the first read and its neighbour from the second. Their edges must meet (this chunk's first record
   * follows the previous chunk's last one), or a record would be lost or written twice.
   */
  private async checkEdges(chunk: FinishedChunk): Promise<void> {
    const { previous, next } = await this.progress.claimEdges(chunk.jobId, chunk.index, {
      afterKey: chunk.afterKey,
      lastKey: chunk.lastKey,
    });
    const meets = (last?: string, after?: string) => last === undefined || after === undefined || last === after;
    if (meets(previous?.lastKey, chunk.afterKey) && meets(chunk.lastKey, next?.afterKey)) return;
    throw replayDiverged();
  }
}
