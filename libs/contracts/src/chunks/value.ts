import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DeliverySpec } from '../export-spec';

/**
 * A finished file staged in object storage. Produced by writer; consumed by delivery.
 * `chunkIndex` and `fileName` follow from the record sequence alone, so a re-staged chunk has the same name.
 * The job's last chunk has `last: true`, `chunkCount` and `totalRecords`.
 */
export class ChunkStagedValue {
  @IsUUID() jobId: string;
  @IsString() @MaxLength(128) accountId: string;
  @IsInt() @Min(0) chunkIndex: number;
  @Matches(/^[A-Za-z0-9_.-]{1,200}$/) fileName: string;
  @IsString() @MaxLength(1024) stagingKey: string;
  @IsInt() @Min(0) records: number;
  @IsInt() @Min(0) bytes: number;
  @IsString() @Length(64, 64) sha256: string;
  @IsInt() @Min(0) firstSeq: number;
  @IsBoolean() compressed: boolean;
  /** True when `limitRecordsPerFile` was set (the reference's upload-timing rule depends on it). */
  @IsBoolean() chunked: boolean;
  @IsBoolean() last: boolean;
  @IsOptional() @IsInt() @Min(1) chunkCount?: number;
  @IsOptional() @IsInt() @Min(0) totalRecords?: number;
  @ValidateNested() @Type(() => DeliverySpec) delivery: DeliverySpec;
}
