import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from '@cae/formats';
import { JobFileDocument } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { GatewayEnv } from '../config/gateway-env';
import { ApiError } from '../http/api-error';

/** Streams a file kept in internal storage to the client; never buffers it. */
@Injectable()
export class FileDownloadService {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: GatewayEnv,
  ) {}

  /** `file`: the job's file of the asked name, or null when the job has none. */
  async send(file: JobFileDocument | null, response: Response): Promise<void> {
    if (!file?.storageKey) throw new ApiError(404, 'FILE_NOT_FOUND', 'this job has no such file in internal storage');
    if (file.expired || (file.expiresAt && file.expiresAt <= new Date())) {
      throw new ApiError(
        410,
        'FILE_EXPIRED',
        `the file expired on ${file.expiresAt?.toISOString() ?? 'its expiry date'}; run the export again`,
      );
    }
    const stored = await this.storage.get(this.env.FILES_BUCKET, file.storageKey);
    if (!stored) throw new ApiError(410, 'FILE_EXPIRED', 'the file is no longer kept; run the export again');
    response.status(200);
    response.setHeader('Content-Type', contentTypeOf(file.name));
    response.setHeader('Content-Length', String(stored.bytes));
    response.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    response.setHeader('X-Content-SHA256', file.sha256);
    await pipeline(stored.body, response);
  }
}
