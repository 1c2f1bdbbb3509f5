import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESTAMP_WITH_OFFSET, timestampMessage } from '../http/timestamps';

/**
 * The states of a job, in the order it goes through them (`failed` can follow either of the first two; so can
 * `cancelling`, on a cancel request, which then ends `cancelled`).
 */
export const JOB_STATUSES = ['pending', 'processing', 'done', 'failed', 'cancelling', 'cancelled'] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

const TIMESTAMP_DOC = 'ISO 8601 date-time with an offset (`Z` or `+02:00`)';
const JOB_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const JOBS_PER_PAGE = /^([1-9]|[1-9]\d|1\d\d|200)$/;
const JOBS_CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const FILES_PER_PAGE = /^([1-9]\d{0,2}|1000)$/;
const FILES_CURSOR = /^[A-Za-z0-9_-]{1,40}$/;
const CURSOR_DOC = 'Opaque cursor: the `nextCursor` of the previous page. Absent: the first page.';

/**
 * Query string of `GET /v2/jobs`. Values are strings and read strictly: `limit=1e2`, `0x10` or ` 10` are refused
 * rather than guessed at, and a repeated parameter (an array) is refused too.
 */
export class ListJobsQuery {
  @ApiPropertyOptional({ description: 'Only jobs in this state.', enum: JOB_STATUSES, example: 'done' })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatusName;

  @ApiPropertyOptional({
    description: 'Only jobs of this export `name`.',
    pattern: JOB_NAME.source,
    example: 'activities_batch_march25',
  })
  @IsOptional()
  @IsString()
  @Matches(JOB_NAME)
  name?: string;

  @ApiPropertyOptional({
    description: `Only jobs created at or after this instant: ${TIMESTAMP_DOC}.`,
    format: 'date-time',
    example: '2019-03-24T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  createdFrom?: string;

  @ApiPropertyOptional({
    description: `Only jobs created before this instant: ${TIMESTAMP_DOC}.`,
    format: 'date-time',
    example: '2019-03-26T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  createdTo?: string;

  @ApiPropertyOptional({
    description: 'Jobs per page, 1 to 200 in plain digits (`1e2`, `0x10` or ` 10` are a 400).',
    pattern: JOBS_PER_PAGE.source,
    default: '20',
    example: '50',
  })
  @IsOptional()
  @IsString()
  @Matches(JOBS_PER_PAGE, { message: 'limit must be an integer from 1 to 200, in plain digits' })
  limit?: string;

  /** Opaque cursor from the previous page's `nextCursor`. */
  @ApiPropertyOptional({ description: CURSOR_DOC, pattern: JOBS_CURSOR.source })
  @IsOptional()
  @IsString()
  @Matches(JOBS_CURSOR)
  cursor?: string;
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

/** Query string of `GET /v2/jobs/{jobId}/files`: pages of the job's files in chunk order. */
export class ListFilesQuery {
  @ApiPropertyOptional({
    description: 'Files per page, 1 to 1000 in plain digits.',
    pattern: FILES_PER_PAGE.source,
    default: '100',
    example: '1000',
  })
  @IsOptional()
  @IsString()
  @Matches(FILES_PER_PAGE, { message: 'limit must be an integer from 1 to 1000, in plain digits' })
  limit?: string;

  /** Opaque cursor from the previous page's `nextCursor`. */
  @ApiPropertyOptional({ description: CURSOR_DOC, pattern: FILES_CURSOR.source })
  @IsOptional()
  @IsString()
  @Matches(FILES_CURSOR)
  cursor?: string;
}

export function encodeFileCursor(chunkIndex: number): string {
  return Buffer.from(JSON.stringify(['f', chunkIndex])).toString('base64url');
}

export function decodeFileCursor(cursor: string): number | null {
  try {
    const [tag, index] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number];
    return tag === 'f' && Number.isSafeInteger(index) && index >= 0 ? index : null;
  } catch {
    return null;
  }
}
