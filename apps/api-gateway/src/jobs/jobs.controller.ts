import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiError } from '../http/api-error';
import { FileDownloadService } from './file-download.service';
import { JobRepository } from './job.repository';
import { JOB_VIEW_FILES, toFileView, toJobView } from './job-view';
import {
  decodeCursor,
  decodeFileCursor,
  encodeCursor,
  encodeFileCursor,
  ListFilesQuery,
  ListJobsQuery,
} from './list-jobs.query';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Jobs API. Another account's job answers 404, exactly like a job that does not exist. */
@Controller('v2/jobs')
@UseGuards(ApiKeyGuard, RateLimitGuard)
export class JobsController {
  constructor(
    private readonly jobs: JobRepository,
    private readonly downloads: FileDownloadService,
  ) {}

  @Get()
  async list(@AccountId() accountId: string, @Query() query: ListJobsQuery) {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (before === null) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid cursor', [
        { field: 'cursor', reasons: ['is not a cursor returned by this API'] },
      ]);
    }
    const page = await this.jobs.list(accountId, {
      status: query.status,
      name: query.name,
      limit: limit + 1,
      before,
      createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
      createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
    });
    const items = page.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: await Promise.all(items.map(async (job) => toJobView(job, await this.firstFiles(accountId, job._id)))),
      nextCursor: page.length > limit && last ? encodeCursor(last.createdAt, last._id) : null,
    };
  }

  @Get(':jobId')
  async get(@AccountId() accountId: string, @Param('jobId') jobId: string) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    return toJobView(job, await this.firstFiles(accountId, jobId));
  }

  private firstFiles(accountId: string, jobId: string) {
    return this.jobs.files(accountId, jobId, -1, JOB_VIEW_FILES);
  }

  /**
   * The job's files, a page at a time in chunk order (`limit` 1 to 1000, default 100; `cursor` from `nextCursor`):
   * a job of thousands of files is read without one large answer.
   */
  @Get(':jobId/files')
  async files(@AccountId() accountId: string, @Param('jobId') jobId: string, @Query() query: ListFilesQuery) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    const after = query.cursor ? decodeFileCursor(query.cursor) : -1;
    if (after === null) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid cursor', [
        { field: 'cursor', reasons: ['is not a cursor returned by this API'] },
      ]);
    }
    const page = await this.jobs.files(accountId, jobId, after, limit + 1);
    const items = page.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((file) => toFileView(jobId, file)),
      nextCursor: page.length > limit && last ? encodeFileCursor(last.chunkIndex) : null,
    };
  }

  @Get(':jobId/files/:fileName')
  async download(
    @AccountId() accountId: string,
    @Param('jobId') jobId: string,
    @Param('fileName') fileName: string,
    @Res() response: Response,
  ) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    await this.downloads.send(await this.jobs.fileNamed(accountId, jobId, fileName), response);
  }
}
