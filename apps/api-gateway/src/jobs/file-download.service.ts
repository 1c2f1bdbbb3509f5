import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from '@cae/formats';
import { JobFileDocument } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { GatewayEnv } from '../config/gateway-env';
import { ApiError } from '../http/api-error';
import { rangeAnswer } from './byte-range';

/** What the client asked for beyond the file: a part of it (`Range`), if its copy is still this file (`If-Range`). */
export interface DownloadConditions {
  range?: string;
  ifRange?: string;
}

/**
 * Streams a file kept in internal storage to the client; never buffers it. A single byte range is read from the
 * storage as such (a resumed download of a large file costs only the missing part), and answered 206.
 */
@Injectable()
export class FileDownloadService {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly env: GatewayEnv,
  ) {}

  /** `file`: the job's file of the asked name, or null when the job has none. */
  async send(file: JobFileDocument | null, response: Response, conditions: DownloadConditions = {}): Promise<void> {
    if (!file?.storageKey) throw new ApiError(404, 'FILE_NOT_FOUND', 'this job has no such file in internal storage');
    if (file.expired || (file.expiresAt && file.expiresAt <= new Date())) {
      throw new ApiError(
        410,
        'FILE_EXPIRED',
        `the file expired on ${file.expiresAt?.toISOString() ?? 'its expiry date'}; run the export again`,
      );
    }
    // A file never changes once delivered, and its SHA-256 names its content: a strong validator for If-Range.
    const etag = `"${file.sha256}"`;
    const answer = rangeAnswer(conditions.range, file.bytes, etag, conditions.ifRange);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', etag);
    if (answer.kind === 'unsatisfiable') {
      response.setHeader('Content-Range', `bytes */${file.bytes}`);
      throw new ApiError(
        416,
        'RANGE_NOT_SATISFIABLE',
        `the range ${conditions.range?.slice(0, 64)} is outside the file (${file.bytes} bytes)`,
      );
    }
    const range = answer.kind === 'part' ? answer.range : undefined;
    const stored = await this.storage.get(this.env.FILES_BUCKET, file.storageKey, range);
    if (!stored) throw new ApiError(410, 'FILE_EXPIRED', 'the file is no longer kept; run the export again');
    response.status(range ? 206 : 200);
    response.setHeader('Content-Type', contentTypeOf(file.name));
    response.setHeader('Content-Length', String(stored.bytes));
    if (range) response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`);
    response.setHeader('Content-Disposition', `attachment; filename="${file.name}"`);
    response.setHeader('X-Content-SHA256', file.sha256);
    await pipeline(stored.body, response);
  }
}
