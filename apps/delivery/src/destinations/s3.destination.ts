import { Injectable } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BucketDenylist } from '@cae/destination-rules';
import { contentTypeOf } from '@cae/formats';
import { NonRetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import {
  authFailed,
  badPath,
  bucketMissing,
  isNetworkFailure,
  permissionDenied,
  transferFailed,
  unreachable,
} from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { checkDestination } from './destination-guard';
import { multipartPlan } from './s3-part-size';
import { s3ObjectKey } from './destination-paths';

/**
 * Amazon S3 with the request's keys, bucket and region. The endpoint can only be overridden by configuration
 * (S3_DESTINATION_ENDPOINT), never by a request. Files above 8 MiB go up as a multipart upload (parts sized from
 * the file, s3-part-size.ts) that is completed only when every part arrived and aborted on failure, so no partial
 * object is ever visible.
 */
@Injectable()
export class S3Destination implements Destination {
  constructor(
    private readonly env: DeliveryEnv,
    private readonly deniedBuckets: BucketDenylist,
  ) {}

  async deliver({ chunk, secrets, open }: DeliveryInput): Promise<DeliveryReceipt> {
    // The bucket and region become URL and host names: checked again here, whatever the message says.
    checkDestination(chunk.delivery, secrets, this.deniedBuckets);
    const { bucket = '', region = 'us-east-1', path } = chunk.delivery;
    let key: string;
    try {
      key = s3ObjectKey(path, chunk);
    } catch {
      throw badPath();
    }
    const where = `s3://${bucket}`;
    const plan = multipartPlan(chunk.bytes);
    if (!plan) {
      throw new NonRetriableError(
        'FILE_TOO_LARGE',
        `${chunk.fileName} is too large for one S3 upload by this service; set limitRecordsPerFile to split the export`,
      );
    }
    const client = new S3Client({
      region,
      endpoint: this.env.S3_DESTINATION_ENDPOINT || undefined,
      forcePathStyle: this.env.S3_DESTINATION_FORCE_PATH_STYLE,
      credentials: { accessKeyId: secrets?.awsAccessKeyId ?? '', secretAccessKey: secrets?.awsSecretAccessKey ?? '' },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: this.env.DELIVERY_TIMEOUT_MS, requestTimeout: this.env.DELIVERY_TIMEOUT_MS },
    });
    try {
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: key,
          Body: await open(),
          ContentLength: chunk.bytes,
          ContentType: contentTypeOf(chunk.fileName),
        },
        partSize: plan.partSize,
        queueSize: plan.queueSize,
        leavePartsOnError: false,
      });
      await upload.done();
      return { name: key.split('/').pop(), location: `${where}/${key}` };
    } catch (error) {
      throw classify(error, bucket, key, where);
    } finally {
      client.destroy();
    }
  }
}

function classify(error: unknown, bucket: string, key: string, where: string): Error {
  if (error instanceof NonRetriableError) return error;
  const name = (error as { name?: string; Code?: string }).name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return bucketMissing(bucket);
  if (
    [
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'InvalidToken',
      'ExpiredToken',
      'AuthorizationHeaderMalformed',
    ].includes(name)
  ) {
    return authFailed(where);
  }
  if (name === 'AccessDenied' || status === 403) return permissionDenied(key, where);
  if (status === 404) return bucketMissing(bucket);
  if (isNetworkFailure(error)) return unreachable(where);
  return transferFailed(where);
}
