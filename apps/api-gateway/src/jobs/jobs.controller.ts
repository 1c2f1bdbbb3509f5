import { Controller, Delete, Get, HttpCode, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBasicAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiError } from '../http/api-error';
import { API_KEY_SCHEME } from '../http/api-docs';
import { ApiErrors } from '../http/api-error.docs';
import { DownloadConditions, FileDownloadService } from './file-download.service';
import { DownloadConditionsOf, RangeDownloadDocs } from './file-download.docs';
import { CANCEL_ANSWER_WAIT_MS, JobCancelService } from './job-cancel.service';
import { JobRepository } from './job.repository';
import { JOB_VIEW_FILES, toFileView, toJobView } from './job-view';
import { JobFilePage, JobPage, JobResource } from './job-view.docs';
import {
  decodeCursor,
  decodeFileCursor,
  encodeCursor,
  encodeFileCursor,
  ListFilesQuery,
  ListJobsQuery,
} from './list-jobs.query';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const JobIdParam = () =>
  ApiParam({
    name: 'jobId',
    description: 'Id of the job (the `jobId` of the POST’s answer). Another account’s job answers 404.',
    schema: { type: 'string', format: 'uuid' },
    example: '8c275474-e636-46a5-a139-a8e40af646a3',
  });

/** The Jobs API. Another account's job answers 404, exactly like a job that does not exist. */
@Controller('v2/jobs')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@ApiTags('jobs')
@ApiBasicAuth(API_KEY_SCHEME)
export class JobsController {
  constructor(
    private readonly jobs: JobRepository,
    private readonly downloads: FileDownloadService,
    private readonly cancellations: JobCancelService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listJobs',
    summary: 'List the account’s jobs',
    description: 'Newest first, a page at a time: pass `nextCursor` as `cursor` for the next page.',
  })
  @ApiOkResponse({ type: JobPage, description: 'A page of jobs.' })
  @ApiErrors('VALIDATION_FAILED')
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
  @ApiOperation({
    operationId: 'getJob',
    summary: 'Read a job',
    description: 'The job’s state, counters, files and, once failed, its error. Readable right after the POST.',
  })
  @JobIdParam()
  @ApiOkResponse({ type: JobResource, description: 'The job.' })
  @ApiErrors('JOB_NOT_FOUND')
  async get(@AccountId() accountId: string, @Param('jobId') jobId: string) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    return toJobView(job, await this.firstFiles(accountId, jobId));
  }

  @Delete(':jobId')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    description:
      'Stops a `pending` or `processing` export in every service. The job becomes `cancelling` at once (no file ' +
      'is recorded after that), then `cancelled` once no service works on it any more and its staged and partial ' +
      'files and the files it kept in internal storage are removed (they stay listed, `expired`); files already ' +
      `delivered to your own server or bucket stay there. The answer waits up to ${CANCEL_ANSWER_WAIT_MS / 1000} s ` +
      'for the request to be applied and shows the job then: `cancelling` or `cancelled`, or, rarely, still ' +
      '`pending` or `processing` when the service is behind (the request is queued and will be applied: poll the ' +
      'job). Repeating the DELETE of a cancelling or cancelled job changes nothing and answers the same way. A ' +
      '`done` or `failed` job, also one that ended before the request was applied, answers 409 `JOB_ALREADY_ENDED`.',
  })
  @JobIdParam()
  @ApiAcceptedResponse({ type: JobResource, description: 'The cancel request was taken; the job as it is now.' })
  @ApiErrors('JOB_NOT_FOUND', 'JOB_ALREADY_ENDED', 'QUEUE_UNAVAILABLE')
  async cancel(@AccountId() accountId: string, @Param('jobId') jobId: string) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    const current = await this.cancellations.cancel(job);
    return toJobView(current, await this.firstFiles(accountId, jobId));
  }

  private firstFiles(accountId: string, jobId: string) {
    return this.jobs.files(accountId, jobId, -1, JOB_VIEW_FILES);
  }

  /**
   * The job's files, a page at a time in chunk order (`limit` 1 to 1000, default 100; `cursor` from `nextCursor`):
   * a job of thousands of files is read without one large answer.
   */
  @Get(':jobId/files')
  @ApiOperation({
    operationId: 'listJobFiles',
    summary: 'List a job’s files',
    description: 'Every delivered file of the job, a page at a time in chunk order.',
  })
  @JobIdParam()
  @ApiOkResponse({ type: JobFilePage, description: 'A page of files.' })
  @ApiErrors('JOB_NOT_FOUND', 'VALIDATION_FAILED')
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
  @ApiOperation({
    operationId: 'downloadJobFile',
    summary: 'Download a file kept in internal storage',
    description:
      'Streams a file of an export to internal storage (`destination.type` `aws`, or none), for 30 days after it ' +
      'was delivered. Files delivered to your own server or bucket are not kept here. A `Range` header asks for a ' +
      'part of the file (206).',
  })
  @JobIdParam()
  @ApiParam({
    name: 'fileName',
    description: 'Name of the file, as the job’s `files` list it.',
    schema: { type: 'string' },
    example: 'activities_batch_march25.csv',
  })
  @ApiOkResponse({
    description: 'The file: `text/csv`, `application/x-ndjson` (JSON exports) or `application/gzip` (compressed).',
    content: Object.fromEntries(
      ['text/csv', 'application/x-ndjson', 'application/gzip'].map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
    headers: {
      'Content-Disposition': { description: '`attachment; filename="<fileName>"`', schema: { type: 'string' } },
      'X-Content-SHA256': { description: 'SHA-256 of the file, lowercase hex.', schema: { type: 'string' } },
      'Accept-Ranges': { description: '`bytes`: a `Range` request is served.', schema: { type: 'string' } },
      ETag: { description: 'The file’s SHA-256, quoted (for `If-Range`).', schema: { type: 'string' } },
    },
  })
  @RangeDownloadDocs()
  @ApiErrors('JOB_NOT_FOUND', 'FILE_NOT_FOUND', 'FILE_EXPIRED', 'RANGE_NOT_SATISFIABLE')
  async download(
    @AccountId() accountId: string,
    @Param('jobId') jobId: string,
    @Param('fileName') fileName: string,
    @Res() response: Response,
    @DownloadConditionsOf() conditions: DownloadConditions,
  ) {
    const job = JOB_ID.test(jobId) ? await this.jobs.findOne(accountId, jobId) : null;
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId.slice(0, 64)} in this account`);
    await this.downloads.send(await this.jobs.fileNamed(accountId, jobId, fileName), response, conditions);
  }
}
