import { Injectable, OnModuleInit } from '@nestjs/common';
import { NonRetriableError } from '@cae/kafka';
import { internalFileKey, ObjectStorage } from '@cae/storage';
import { DeliveryEnv } from '../config/delivery-env';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';

/**
 * Destination `aws` (or none): the file is kept in the service's own storage and downloaded through the Jobs API
 * for 30 days. A server-side copy: the bytes never pass through this process.
 */
@Injectable()
export class InternalStorageDestination implements Destination, OnModuleInit {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: DeliveryEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.env.S3_CREATE_BUCKETS) {
      await this.storage.ensureBucket(this.env.STAGING_BUCKET);
      await this.storage.ensureBucket(this.env.FILES_BUCKET);
    }
  }

  async deliver({ chunk }: DeliveryInput): Promise<DeliveryReceipt> {
    const key = internalFileKey(chunk.accountId, chunk.jobId, chunk.fileName);
    if (!(await this.storage.exists(this.env.STAGING_BUCKET, chunk.stagingKey))) {
      throw new NonRetriableError('STAGED_FILE_MISSING', `staged file ${chunk.fileName} is missing`);
    }
    await this.storage.copy(this.env.STAGING_BUCKET, chunk.stagingKey, this.env.FILES_BUCKET, key);
    return { name: chunk.fileName, storageKey: key };
  }
}
