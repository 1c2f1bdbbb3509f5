import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  IsDefined,
} from 'class-validator';
import { JOB_ERROR_CODES, JobErrorCode } from './error-codes';

/**
 * Facts about a job, reported by every service and applied by the jobs service (the only writer of job state).
 * PUBLIC CONTRACT (docs/asyncapi.yaml): other internal services subscribe to this topic. Add fields and event types,
 * never rename. A new type must reach the jobs service before any service sends it (the jobs service dead-letters
 * a type it does not know). Every event carries `accountId` so subscribers can filter by tenant. Every event is
 * safe to replay.
 *
 * Cancelling: the gateway asks (`job.cancel.requested`, for `DELETE /v2/jobs/{id}`; the job shows `cancelling` and
 * every service stops working on it), the jobs service ends it (`job.cancelled`) once nothing works on the job any
 * more and its staged and partial files are removed. Neither carries fields of its own.
 */
export const JOB_STATUS_EVENTS = [
  'query.started',
  'file.delivered',
  'job.completed',
  'job.failed',
  'job.cancel.requested',
  'job.cancelled',
] as const;
export type JobStatusEventType = (typeof JOB_STATUS_EVENTS)[number];

export class DeliveredFile {
  @IsString() @MaxLength(200) name: string;
  @IsInt() @Min(0) chunkIndex: number;
  @IsInt() @Min(0) records: number;
  @IsInt() @Min(0) bytes: number;
  @IsString() @Length(64, 64) sha256: string;
  /** Object key in internal storage, when the file is kept there. */
  @IsOptional() @IsString() @MaxLength(1024) storageKey?: string;
  /** Where an external destination received it, e.g. `sftp://host:22/upload/a.csv` (never credentials). */
  @IsOptional() @IsString() @MaxLength(2048) location?: string;
}

export class JobError {
  @IsIn(JOB_ERROR_CODES) code: JobErrorCode;
  @IsString() @MaxLength(2000) message: string;
}

export class JobStatusValue {
  @IsIn(JOB_STATUS_EVENTS) type: JobStatusEventType;
  @IsUUID() jobId: string;
  @IsString() @MaxLength(128) accountId: string;
  @IsISO8601() at: string;
  @IsString() @MaxLength(32) service: string;
  /**
   * query.started: how many records match. Absent on the first event, sent when the query service claims the job
   * (the job shows `processing` at once); a second event carries the count when the survey has it.
   */
  @ValidateIf((e) => e.type === 'query.started' && e.totalItems !== undefined) @IsInt() @Min(0) totalItems?: number;
  /** file.delivered: the file now at its destination. */
  // @IsDefined: @ValidateNested alone lets an absent value through (the AsyncAPI check found it).
  @ValidateIf((e) => e.type === 'file.delivered')
  @IsDefined()
  @ValidateNested()
  @Type(() => DeliveredFile)
  file?: DeliveredFile;
  /** job.completed: how many files and records were delivered in all. */
  @ValidateIf((e) => e.type === 'job.completed') @IsInt() @Min(0) fileCount?: number;
  @ValidateIf((e) => e.type === 'job.completed') @IsInt() @Min(0) totalRecords?: number;
  /** job.failed: why, in words the user can act on. */
  @ValidateIf((e) => e.type === 'job.failed') @IsDefined() @ValidateNested() @Type(() => JobError) error?: JobError;
}
