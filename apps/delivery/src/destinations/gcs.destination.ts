import { Injectable } from '@nestjs/common';
import { Storage } from '@google-cloud/storage';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from '@cae/formats';
import { NonRetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { badPath, bucketMissing, isNetworkFailure, permissionDenied, transferFailed, unreachable } from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { gcsObjectName } from './destination-paths';

const RESUMABLE_ABOVE_BYTES = 8 * 1024 * 1024;

/**
 * Google Cloud Storage. The request names only the bucket and folder: the service writes with its own identity
 * (GOOGLE_APPLICATION_CREDENTIALS or the workload identity), which the customer grants access to the bucket.
 * A GCS object exists only once its upload is finalised, so a failed upload leaves nothing behind.
 */
@Injectable()
export class GcsDestination implements Destination {
  private readonly storage: Storage;

  constructor(env: DeliveryEnv) {
    this.storage = new Storage({
      apiEndpoint: env.GCS_ENDPOINT || undefined,
      projectId: env.GCS_PROJECT_ID || undefined,
      retryOptions: { autoRetry: false },
      timeout: env.DELIVERY_TIMEOUT_MS,
    });
  }

  async deliver({ chunk, open }: DeliveryInput): Promise<DeliveryReceipt> {
    const { bucket = '', path } = chunk.delivery;
    let name: string;
    try {
      name = gcsObjectName(path, chunk.fileName);
    } catch {
      throw badPath();
    }
    const where = `gs://${bucket}`;
    try {
      const file = this.storage.bucket(bucket).file(name);
      await pipeline(await open(), file.createWriteStream({ resumable: chunk.bytes > RESUMABLE_ABOVE_BYTES, validation: false, metadata: { contentType: contentTypeOf(name) } }));
      return { name: chunk.fileName, location: `${where}/${name}` };
    } catch (error) {
      if (error instanceof NonRetriableError) throw error;
      const status = (error as { code?: unknown }).code;
      if (status === 404) throw bucketMissing(bucket);
      if (status === 401 || status === 403) throw permissionDenied(name, where);
      throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
    }
  }
}
