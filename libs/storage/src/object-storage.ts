import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface ObjectStorageConfig {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface StoredObject {
  body: Readable;
  bytes: number;
}

/**
 * The project's own object storage (staging of finished chunks, files kept for 30 days): any S3-compatible
 * service. Writes are whole-object puts under deterministic keys, so writing twice leaves one object.
 */
export class ObjectStorage {
  readonly client: S3Client;

  /** From the S3_* variables of StorageEnv. */
  static fromEnv(env: {
    S3_ENDPOINT: string;
    S3_REGION: string;
    S3_ACCESS_KEY_ID: string;
    S3_SECRET_ACCESS_KEY: string;
    S3_FORCE_PATH_STYLE: boolean;
  }): ObjectStorage {
    return new ObjectStorage({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }

  constructor(config: ObjectStorageConfig) {
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Checksums on every request would need trailers some S3-compatible servers lack.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async ensureBucket(bucket: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
      }
    }
  }

  /** Streams a local file into the bucket; multipart above 8 MiB, so memory stays bounded. */
  async putFile(bucket: string, key: string, path: string, contentType: string): Promise<void> {
    const { size } = await stat(path);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: contentType },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async copy(sourceBucket: string, sourceKey: string, bucket: string, key: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${sourceBucket}/${encodeKey(sourceKey)}` }),
    );
  }

  /**
   * Streams an object, or only the bytes `range` names (inclusive, as HTTP's `Range`; the storage reads just those),
   * or null when it does not exist. `bytes` is the length of what the stream carries.
   */
  async get(bucket: string, key: string, range?: { start: number; end: number }): Promise<StoredObject | null> {
    try {
      const result = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return { body: result.Body as Readable, bytes: result.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  /**
   * Removes every object whose key starts with `prefix` and aborts every multipart upload under way there (the
   * parts of an upload that was cut short), a page of 1,000 at a time. Returns how many of each it removed.
   */
  async removeUnder(bucket: string, prefix: string): Promise<{ objects: number; uploads: number }> {
    let objects = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        if (!Key?.startsWith(prefix)) continue;
        await this.delete(bucket, Key);
        objects += 1;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    let uploads = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const { Key, UploadId } of page.Uploads ?? []) {
        if (!Key?.startsWith(prefix) || !UploadId) continue;
        try {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
          uploads += 1;
        } catch (error) {
          // Completed or aborted meanwhile by its own uploader.
          if (!isNotFound(error) && (error as { name?: string }).name !== 'NoSuchUpload') throw error;
        }
      }
      const more = page.IsTruncated === true;
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return { objects, uploads };
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
