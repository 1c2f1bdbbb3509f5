import { Inject, Injectable, Logger } from '@nestjs/common';
import { ObjectId } from 'mongodb';
import { Collections, Db, MONGO_DB } from '@cae/mongo';
import { Topic } from '@cae/contracts';
import { toExportRecord } from '@cae/formats';
import { ContractProducer, PRODUCER } from '@cae/kafka';
import { QueryEnv } from '../config/query-env';

import { buildActivityFilter, EXPORT_SORT, ResumePoint } from './activity-filter';
import { CheckpointRepository, QueryCheckpoint } from './checkpoint.repository';
import { ContactResolver } from './contact-resolver';
import { RecordBatcher } from './record-batcher';

/** Raised when another replica took the job over (our lease expired); this run stops without side effects. */
export class LeaseLostError extends Error {}

/**
 * Streams one job's matching activities, in export order, onto the records topic. Resumes from its checkpoint;
 * each batch is awaited (one in flight per job, which is the backpressure) before the checkpoint moves on.
 */
@Injectable()
export class ExportQueryRunner {
  private readonly logger = new Logger(ExportQueryRunner.name);

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly checkpoints: CheckpointRepository,
    private readonly contacts: ContactResolver,
    private readonly env: QueryEnv,
  ) {}

  async run(checkpoint: QueryCheckpoint): Promise<void> {
    const { request } = checkpoint;
    const { jobId, accountId } = request;
    const contactIds = request.filter.contact ? await this.contacts.contactIds(accountId, request.filter.contact) : undefined;
    const activities = this.db.collection(Collections.activities);

    if (checkpoint.totalItems === undefined) {
      const totalItems = await activities.countDocuments(buildActivityFilter(accountId, request.filter, contactIds));
      await this.publishStatus(checkpoint, { type: 'query.started', totalItems });
      await this.save(jobId, { totalItems });
      this.logger.log({ message: 'query started', jobId, accountId, totalItems });
    }

    const after = checkpoint.lastTime && checkpoint.lastId ? { time: checkpoint.lastTime, id: checkpoint.lastId } : undefined;
    const cursor = activities
      .find(buildActivityFilter(accountId, request.filter, contactIds, after))
      .sort(EXPORT_SORT)
      .batchSize(1_000);
    const batcher = new RecordBatcher<ResumePoint>(this.env.QUERY_BATCH_RECORDS, this.env.QUERY_BATCH_BYTES);
    let { nextSeq, nextBatchSeq } = checkpoint;
    try {
      for await (const document of cursor) {
        const batch = batcher.add(toExportRecord(document), { time: document.time as Date, id: document._id as ObjectId });
        if (!batch) continue;
        await this.publishBatch(checkpoint, nextBatchSeq, nextSeq, batch.records, false);
        nextSeq += batch.records.length;
        nextBatchSeq += 1;
        await this.save(jobId, { nextSeq, nextBatchSeq, lastTime: batch.lastKey?.time, lastId: batch.lastKey?.id });
      }
    } finally {
      await cursor.close();
    }
    const rest = batcher.take().records;
    await this.publishBatch(checkpoint, nextBatchSeq, nextSeq, rest, true, nextSeq + rest.length);
    await this.checkpoints.finish(jobId, this.env.INSTANCE_ID, 'done');
    this.logger.log({ message: 'query finished', jobId, accountId, records: nextSeq + rest.length });
  }

  private async save(jobId: string, progress: Partial<QueryCheckpoint>): Promise<void> {
    const kept = await this.checkpoints.saveProgress(jobId, this.env.INSTANCE_ID, this.env.QUERY_LEASE_MS, progress);
    if (!kept) throw new LeaseLostError(`lease on job ${jobId} lost`);
  }

  private async publishBatch(
    checkpoint: QueryCheckpoint, batchSeq: number, firstSeq: number,
    records: Record<string, unknown>[], final: boolean, totalRecords?: number,
  ): Promise<void> {
    const { jobId, accountId, output, delivery } = checkpoint.request;
    await this.producer.publish(Topic.Records, jobId, {
      jobId, accountId, batchSeq, firstSeq, records, final, totalRecords, output, delivery,
    });
  }

  async publishStatus(
    checkpoint: Pick<QueryCheckpoint, 'request'>,
    event: { type: 'query.started'; totalItems: number } | { type: 'job.failed'; error: { code: string; message: string } },
  ): Promise<void> {
    const { jobId, accountId } = checkpoint.request;
    await this.producer.publish(Topic.JobStatus, jobId, {
      ...event, jobId, accountId, at: new Date().toISOString(), service: 'query',
    });
  }
}
