import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChunkStagedValue, Topic } from '@cae/contracts';
import { ContractProducer, NonRetriableError, PRODUCER } from '@cae/kafka';
import { SecretStore } from '@cae/secrets';
import { ObjectStorage } from '@cae/storage';
import { DeliveryEnv } from '../config/delivery-env';
import { DestinationRegistry } from '../destinations/destination.registry';
import { DeliveryItem, DeliveryProgressRepository } from './delivery-progress.repository';
import { deliversEachChunkAtOnce } from './upload-timing';

/**
 * Delivers staged chunks following the upload-timing rule and reports each delivered file and the job's end.
 * Each step is idempotent: a delivered chunk is flagged and never delivered twice; a replayed last chunk only
 * repeats the completion report.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly progress: DeliveryProgressRepository,
    private readonly destinations: DestinationRegistry,
    private readonly storage: ObjectStorage,
    private readonly secrets: SecretStore,
    private readonly env: DeliveryEnv,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  async onChunkStaged(chunk: ChunkStagedValue): Promise<void> {
    const item = await this.progress.record(chunk);
    if (!chunk.last) {
      if (deliversEachChunkAtOnce(chunk)) await this.deliver(item);
      return;
    }
    const items = await this.progress.jobItems(chunk.jobId);
    const expected = chunk.chunkCount ?? chunk.chunkIndex + 1;
    if (items.length !== expected) {
      throw new NonRetriableError('CHUNKS_MISSING', `expected ${expected} staged files, found ${items.length}`);
    }
    for (const pending of items) await this.deliver(pending);
    await this.report(chunk, {
      type: 'job.completed', fileCount: expected, totalRecords: chunk.totalRecords ?? items.reduce((sum, i) => sum + i.chunk.records, 0),
    });
    this.logger.log({ message: 'job delivered', jobId: chunk.jobId, accountId: chunk.accountId, files: expected });
  }

  private async deliver(item: DeliveryItem): Promise<void> {
    if (item.delivered) return;
    const { chunk } = item;
    const secrets = chunk.delivery.kind === 'internal' ? null : await this.secrets.get(chunk.jobId, chunk.accountId);
    const receipt = await this.destinations.for(chunk.delivery.kind).deliver({
      chunk,
      secrets,
      open: async () => {
        const staged = await this.storage.get(this.env.STAGING_BUCKET, chunk.stagingKey);
        if (!staged) throw new NonRetriableError('STAGED_FILE_MISSING', `staged file ${chunk.fileName} is missing`);
        return staged.body;
      },
    });
    await this.report(chunk, {
      type: 'file.delivered',
      file: {
        name: receipt.name ?? chunk.fileName, chunkIndex: chunk.chunkIndex, records: chunk.records, bytes: chunk.bytes,
        sha256: chunk.sha256, storageKey: receipt.storageKey, location: receipt.location,
      },
    });
    await this.progress.markDelivered(item, receipt.storageKey);
    await this.storage.delete(this.env.STAGING_BUCKET, chunk.stagingKey);
  }

  private async report(
    chunk: Pick<ChunkStagedValue, 'jobId' | 'accountId'>,
    event:
      | { type: 'file.delivered'; file: NonNullable<import('@cae/contracts').JobStatusValue['file']> }
      | { type: 'job.completed'; fileCount: number; totalRecords: number },
  ): Promise<void> {
    await this.producer.publish(Topic.JobStatus, chunk.jobId, {
      ...event, jobId: chunk.jobId, accountId: chunk.accountId, at: new Date().toISOString(), service: 'delivery',
    });
  }
}
