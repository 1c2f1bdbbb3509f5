import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChunkStagedValue, DeliveredFile } from '@cae/contracts';
import { ContractProducer, JobStatusFact, NonRetriableError, PRODUCER, publishJobStatus } from '@cae/kafka';
import { JobEndedError, JobEndings } from '@cae/mongo';
import { SecretStore } from '@cae/secrets';
import { serviceMetrics } from '@cae/service-kit';
import { ObjectStorage } from '@cae/storage';
import { DeliveryEnv } from '../config/delivery-env';
import { multipartPlan } from '../destinations/s3-part-size';
import { DeliveryReceipt } from '../destinations/destination';
import { DestinationRegistry } from '../destinations/destination.registry';
import { DeliveryItem, DeliveryProgressRepository } from './delivery-progress.repository';
import { DeliveryQueueRepository, QueuedWork } from './delivery-queue.repository';
import { deliversEachChunkAtOnce } from './upload-timing';
import { verifiedStagedFile } from './verified-staged-file';

/** Memory an upload may hold besides its stream (S3 buffers its multipart parts); 1 MiB for stream-only uploads. */
export function uploadMemoryBytes(chunk: Pick<ChunkStagedValue, 'bytes' | 'delivery'>): number {
  if (chunk.delivery.kind !== 's3') return 1024 * 1024;
  const plan = multipartPlan(chunk.bytes);
  return plan ? Math.min(chunk.bytes, plan.partSize * plan.queueSize) : 1024 * 1024;
}

/**
 * The steps of delivery. Staged chunks are recorded and queued (`onChunkStaged`, on the consumer path, quick);
 * the DeliveryWorker then runs each queued step off that path: one chunk's upload (`deliverChunk`), or a job's
 * completion once all its chunks are delivered (`completeIfDelivered`). Every step is idempotent: a delivered
 * chunk is flagged and never delivered twice; a repeated completion only repeats its report.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly progress: DeliveryProgressRepository,
    private readonly queue: DeliveryQueueRepository,
    private readonly jobs: JobEndings,
    private readonly destinations: DestinationRegistry,
    private readonly storage: ObjectStorage,
    private readonly secrets: SecretStore,
    private readonly env: DeliveryEnv,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  /**
   * Records a staged chunk and queues what it makes due, following the upload-timing rule: the chunk itself, or
   * (for compressed chunked exports) every chunk once all of them are staged, whichever comes last. The job's completion entry is queued
   * with its first chunk: it watches the job (a job that ends elsewhere has its staged files removed even when they
   * were held for the end) and, once the last chunk is known, reports the completion.
   * A chunk of a job that already ended is not delivered: its staged file is removed.
   */
  async onChunkStaged(chunk: ChunkStagedValue): Promise<void> {
    if (await this.jobs.hasEnded(chunk.jobId)) {
      const item = await this.progress.find(chunk.jobId, chunk.chunkIndex);
      if (!item?.reported) await this.storage.delete(this.env.STAGING_BUCKET, chunk.stagingKey);
      return;
    }
    const item = await this.progress.record(chunk);
    const due: DeliveryItem[] = [];
    if (deliversEachChunkAtOnce(chunk)) {
      if (!item.reported) due.push(item);
    } else {
      // Held for the end: all are due once every chunk is staged. Several writers stage the chunks of one job, in any
      // order: the last chunk (which gives the count) may come before others, or after all of them.
      const items = await this.progress.jobItems(chunk.jobId);
      const last = items.find((each) => each.chunk.last);
      const expected = last ? (last.chunk.chunkCount ?? last.chunkIndex + 1) : undefined;
      if (expected !== undefined && items.length > expected) {
        throw new NonRetriableError('CHUNKS_MISSING', `expected ${expected} staged files, found ${items.length}`);
      }
      if (items.length === expected) due.push(...items.filter((each) => !each.reported));
    }
    const base = { jobId: chunk.jobId, accountId: chunk.accountId };
    await this.queue.enqueue([
      ...due.map((each) => ({
        ...base,
        kind: 'chunk' as const,
        chunkIndex: each.chunkIndex,
        memoryBytes: uploadMemoryBytes(each.chunk),
      })),
      { ...base, kind: 'complete' as const, chunkIndex: COMPLETION_ORDER, memoryBytes: 0 },
    ]);
    if (chunk.last) await this.queue.markLastSeen(chunk.jobId);
  }

  /**
   * Delivers one queued chunk (unless it already was) and reports it. The upload is flagged (with its receipt)
   * before the report, so a report that could not be sent is sent again without uploading again. `stillOwned`
   * renews this replica's claim: a replica that lost the work (frozen past its claim) leaves the rest to the new
   * owner. `jobEnded` aborts the upload (the staged file's stream errors, so the destination removes its temporary
   * file or aborts its multipart upload); an upload that finished just as its job was cancelled is removed from
   * internal storage and not reported (JobEndedError either way).
   */
  async deliverChunk(
    work: Pick<QueuedWork, 'jobId' | 'chunkIndex'>,
    stillOwned: () => Promise<boolean>,
    jobEnded?: AbortSignal,
  ): Promise<void> {
    let item = await this.progress.find(work.jobId, work.chunkIndex);
    if (!item)
      throw new NonRetriableError('CHUNKS_MISSING', `staged file ${work.chunkIndex + 1} of the export is unknown`);
    if (item.reported) return;
    const { chunk } = item;
    if (!item.delivered) {
      const receipt = await this.upload(item, jobEnded);
      if (!receipt || !(await stillOwned())) return;
      if (await this.jobs.wasCancelled(chunk.jobId)) {
        if (receipt.storageKey) await this.storage.delete(this.env.FILES_BUCKET, receipt.storageKey);
        throw new JobEndedError(`job ${chunk.jobId} was cancelled while file ${chunk.chunkIndex + 1} was delivered`);
      }
      await this.progress.markDelivered(item, receipt);
      item = { ...item, delivered: true, receipt };
      const destination = chunk.delivery.kind;
      serviceMetrics.filesDelivered.inc({ destination });
      serviceMetrics.recordsDelivered.inc({ destination }, chunk.records);
      serviceMetrics.bytesDelivered.inc({ destination }, chunk.bytes);
    }
    const receipt = item.receipt ?? { storageKey: item.storageKey };
    const file: DeliveredFile = {
      name: receipt.name ?? chunk.fileName,
      chunkIndex: chunk.chunkIndex,
      records: chunk.records,
      bytes: chunk.bytes,
      sha256: chunk.sha256,
      storageKey: receipt.storageKey,
      location: receipt.location,
    };
    await this.report(chunk, { type: 'file.delivered', file });
    await this.progress.markReported(item);
    await this.storage.delete(this.env.STAGING_BUCKET, chunk.stagingKey);
  }

  /** Uploads the staged file; null when another replica delivered it meanwhile (and removed the staged file). */
  private async upload(item: DeliveryItem, jobEnded?: AbortSignal): Promise<DeliveryReceipt | null> {
    const { chunk } = item;
    const secrets = chunk.delivery.kind === 'internal' ? null : await this.secrets.get(chunk.jobId, chunk.accountId);
    let damaged: Error | undefined;
    try {
      return await this.destinations.for(chunk.delivery.kind).deliver({
        chunk,
        secrets,
        open: async () => {
          if (jobEnded?.aborted) throw jobEnded.reason;
          const staged = await this.storage.get(this.env.STAGING_BUCKET, chunk.stagingKey);
          if (!staged) throw new NonRetriableError('STAGED_FILE_MISSING', `staged file ${chunk.fileName} is missing`);
          const file = verifiedStagedFile(chunk, staged.body, (error) => (damaged = error));
          // An error instead of the end: every destination then abandons the upload before the final name.
          const stop = () => {
            file.destroy(jobEnded?.reason as Error);
            staged.body.destroy();
          };
          jobEnded?.addEventListener('abort', stop, { once: true });
          return file;
        },
      });
    } catch (error) {
      if (jobEnded?.aborted) throw jobEnded.reason;
      if ((await this.progress.find(chunk.jobId, chunk.chunkIndex))?.delivered) return null;
      // Destinations report a broken source as a failed transfer; the reason is the file itself.
      throw damaged ?? error;
    }
  }

  /** Reports the job completed when every one of its chunks is delivered; false while some are not. */
  async completeIfDelivered(jobId: string): Promise<boolean> {
    const items = await this.progress.jobItems(jobId);
    const last = items.find((item) => item.chunk.last);
    if (!last) return false;
    const expected = last.chunk.chunkCount ?? last.chunkIndex + 1;
    if (items.length !== expected || items.some((item) => !(item.reported ?? item.delivered))) return false;
    await this.report(last.chunk, {
      type: 'job.completed',
      fileCount: expected,
      totalRecords: last.chunk.totalRecords ?? items.reduce((sum, i) => sum + i.chunk.records, 0),
    });
    this.logger.log({ message: 'job delivered', jobId, accountId: last.chunk.accountId, files: expected });
    return true;
  }

  /** After the job ended (failed here or elsewhere): no more work for it, and its undelivered staged files go. */
  async abandonJob(jobId: string): Promise<void> {
    await this.queue.removeJob(jobId);
    for (const item of await this.progress.jobItems(jobId)) {
      if (!item.reported) await this.storage.delete(this.env.STAGING_BUCKET, item.chunk.stagingKey);
    }
  }

  /** Publishes a status event; ReportNotSentError when the broker is away (retried without using up attempts). */
  private async report(chunk: Pick<ChunkStagedValue, 'jobId' | 'accountId'>, event: JobStatusFact): Promise<void> {
    try {
      await publishJobStatus(this.producer, 'delivery', chunk, event);
    } catch (error) {
      throw new ReportNotSentError(
        `${event.type} of job ${chunk.jobId} not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/**
 * A status report the broker did not take. The delivery itself is done (or there is none to do): retried until the
 * broker is back, never counted against the destination's attempts (a Kafka outage must not fail delivered jobs).
 */
export class ReportNotSentError extends Error {}

/** The completion entry sorts after every chunk entry due at the same moment. */
const COMPLETION_ORDER = 1_000_000_000;
