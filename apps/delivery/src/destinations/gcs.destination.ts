import { Injectable, Logger } from '@nestjs/common';
import { Storage } from '@google-cloud/storage';
import { pipeline } from 'node:stream/promises';
import { BucketDenylist } from '@cae/destination-rules';
import { ChunkStagedValue } from '@cae/contracts';
import { contentTypeOf } from '@cae/formats';
import { NonRetriableError } from '@cae/kafka';
import { GCS_VERIFICATION_OBJECT } from '@cae/mongo';
import { DeliveryEnv } from '../config/delivery-env';
import {
  badPath,
  bucketMissing,
  isNetworkFailure,
  permissionDenied,
  transferFailed,
  unreachable,
} from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { checkDestination } from './destination-guard';
import { gcsObjectName } from './destination-paths';
import { GcsBucketClaims } from './gcs-bucket-claims.repository';

const RESUMABLE_ABOVE_BYTES = 8 * 1024 * 1024;
/** A verification object larger than this is not read to its end (and does not verify). */
const VERIFICATION_MAX_BYTES = 64 * 1024;

const notVerified = (bucket: string, why: string) =>
  new NonRetriableError(
    'BUCKET_NOT_VERIFIED',
    `gs://${bucket} is not verified for this account (${why}): register it with POST /v2/destinations/gcs-buckets and put the ` +
      `token it returns on a line of gs://${bucket}/${GCS_VERIFICATION_OBJECT}`,
  );

/**
 * Google Cloud Storage. The request names only the bucket and folder: the service writes with its own identity,
 * which the customer grants access to the bucket. Because that identity may also reach other customers' buckets
 * (or the platform's), a bucket is written to only after it proved that the account controls it: the account
 * registered it, and the bucket holds the account's token in GCS_VERIFICATION_OBJECT (which only someone who
 * controls the bucket can put there). The platform's own buckets are refused outright.
 * A GCS object exists only once its upload is finalised, so a failed upload leaves nothing behind.
 */
@Injectable()
export class GcsDestination implements Destination {
  private readonly logger = new Logger(GcsDestination.name);
  private readonly storage: Storage | null;
  /** `${accountId}/${bucket}/${token}` -> when the proof was read; trusted for GCS_VERIFICATION_CACHE_MS. */
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly env: DeliveryEnv,
    private readonly claims: GcsBucketClaims,
    private readonly deniedBuckets: BucketDenylist,
  ) {
    const identity = env.GCS_ENDPOINT !== '' || env.GOOGLE_APPLICATION_CREDENTIALS !== '' || env.GCS_METADATA_IDENTITY;
    this.storage = identity
      ? new Storage({
          apiEndpoint: env.GCS_ENDPOINT || undefined,
          projectId: env.GCS_PROJECT_ID || undefined,
          retryOptions: { autoRetry: false },
          timeout: env.DELIVERY_TIMEOUT_MS,
        })
      : null;
  }

  async deliver({ chunk, open }: DeliveryInput): Promise<DeliveryReceipt> {
    checkDestination(chunk.delivery, null, this.deniedBuckets);
    if (!this.storage) {
      throw new NonRetriableError(
        'DESTINATION_NOT_CONFIGURED',
        'GCS destinations are not configured on this installation (no Google identity)',
      );
    }
    const { bucket = '', path } = chunk.delivery;
    let name: string;
    try {
      name = gcsObjectName(path, chunk.fileName);
    } catch {
      throw badPath();
    }
    // Never overwrite a bucket's proof of control (an export's own names cannot be it; this says so in code).
    if (name === GCS_VERIFICATION_OBJECT) throw badPath();
    const where = `gs://${bucket}`;
    await this.verify(chunk, bucket);
    try {
      const file = this.storage.bucket(bucket).file(name);
      await pipeline(
        await open(),
        file.createWriteStream({
          resumable: chunk.bytes > RESUMABLE_ABOVE_BYTES,
          validation: false,
          metadata: { contentType: contentTypeOf(name) },
        }),
      );
      return { name: chunk.fileName, location: `${where}/${name}` };
    } catch (error) {
      throw classify(error, bucket, name);
    }
  }

  /** The account registered the bucket, and the bucket holds the account's token. */
  private async verify(chunk: Pick<ChunkStagedValue, 'jobId' | 'accountId'>, bucket: string): Promise<void> {
    const { accountId } = chunk;
    const token = await this.claims.tokenOf(accountId, bucket);
    if (!token) throw notVerified(bucket, 'the account has not registered it');
    const key = `${accountId}/${bucket}/${token}`;
    const at = this.verified.get(key);
    if (at !== undefined && Date.now() - at < this.env.GCS_VERIFICATION_CACHE_MS) return;
    // Every way this can fail says the same: whether the bucket exists, or whether this service can read another
    // customer's bucket, is not for an account that has not proved control of it to learn.
    const unproved = `the bucket does not exist, or ${GCS_VERIFICATION_OBJECT} cannot be read by this service or does not hold this account's token`;
    let text: string;
    try {
      text = await this.readVerificationObject(bucket);
    } catch (error) {
      if (isNetworkFailure(error)) throw unreachable(`gs://${bucket}`);
      throw notVerified(bucket, unproved);
    }
    if (
      !text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .includes(token)
    )
      throw notVerified(bucket, unproved);
    this.verified.set(key, Date.now());
    this.logger.log({ message: 'gcs bucket verified', jobId: chunk.jobId, accountId, bucket });
  }

  /** The verification object's text, read as a stream and abandoned past VERIFICATION_MAX_BYTES. */
  private async readVerificationObject(bucket: string): Promise<string> {
    const stream = this.storage!.bucket(bucket).file(GCS_VERIFICATION_OBJECT).createReadStream({ validation: false });
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of stream) {
      size += (part as Buffer).length;
      if (size > VERIFICATION_MAX_BYTES) {
        stream.destroy();
        return '';
      }
      parts.push(part as Buffer);
    }
    return Buffer.concat(parts).toString('utf8');
  }
}

function classify(error: unknown, bucket: string, name: string): Error {
  if (error instanceof NonRetriableError) return error;
  const where = `gs://${bucket}`;
  const status = (error as { code?: unknown }).code;
  if (status === 404) return bucketMissing(bucket);
  if (status === 401 || status === 403) return permissionDenied(name, where);
  return isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
}
