import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DeliverySpec, OutputSpec } from '../export-spec';

/**
 * One batch of a job's records, in export order. Produced by query; consumed by writer.
 *
 * `batchSeq` counts batches from 0 and `firstSeq` is the sequence number of the first record, both derived from
 * the query order (never from Kafka offsets), so a batch re-sent after a crash is recognised and skipped.
 * The last batch of a job has `final: true` and `totalRecords`; it may hold records or none.
 * Every batch carries the output and delivery specs so a writer that resumes mid-job needs no other source.
 */
export class RecordsBatchValue {
  @IsUUID() jobId: string;
  @IsString() @MaxLength(128) accountId: string;
  @IsInt() @Min(0) batchSeq: number;
  @IsInt() @Min(0) firstSeq: number;
  @IsArray() @ArrayMaxSize(10_000) @IsObject({ each: true }) records: Record<string, unknown>[];
  @IsBoolean() final: boolean;
  /**
   * The continuity key: `recordKeyOf` the record just before this batch's first one (absent for the first batch).
   * The writer checks it (or, for a batch read again, the record at its own position) against the last record it
   * wrote: a re-read that does not continue the files exactly fails the job REPLAY_DIVERGED.
   */
  @IsOptional() @IsString() @MaxLength(2048) after?: string;
  /**
   * Fencing epoch of the query replica that read it (raised each time a replica takes the job over): the writer
   * drops a batch whose epoch is below one it already saw, i.e. late batches of a replica that lost the job.
   */
  @IsOptional() @IsInt() @Min(0) epoch?: number;
  /**
   * With `final`: the query side failed (or the job ended elsewhere) and no more records come. The writer drops the
   * job's open chunk and stages nothing, so no partition's commit stays held by a job that will never end there.
   */
  @IsOptional() @IsBoolean() aborted?: boolean;
  @IsOptional() @IsInt() @Min(0) totalRecords?: number;
  @ValidateNested() @Type(() => OutputSpec) output: OutputSpec;
  @ValidateNested() @Type(() => DeliverySpec) delivery: DeliverySpec;
}
