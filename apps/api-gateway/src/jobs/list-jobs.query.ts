import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { TIMESTAMP_WITH_OFFSET, timestampMessage } from '../http/timestamps';

/**
 * Query string of `GET /v2/jobs`. Values are strings and read strictly: `limit=1e2`, `0x10` or ` 10` are refused
 * rather than guessed at, and a repeated parameter (an array) is refused too.
 */
export class ListJobsQuery {
  @IsOptional() @IsIn(['pending', 'processing', 'done', 'failed']) status?:
    'pending' | 'processing' | 'done' | 'failed';
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,128}$/) name?: string;
  @IsOptional()
  @IsISO8601({ strict: true }, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  createdFrom?: string;
  @IsOptional()
  @IsISO8601({ strict: true }, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  createdTo?: string;
  @IsOptional()
  @IsString()
  @Matches(/^([1-9]|[1-9]\d|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200, in plain digits' })
  limit?: string;
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,200}$/) cursor?: string;
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
  @IsOptional()
  @IsString()
  @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be an integer from 1 to 1000, in plain digits' })
  limit?: string;
  /** Opaque cursor from the previous page's `nextCursor`. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,40}$/) cursor?: string;
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
