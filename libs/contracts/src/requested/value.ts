import { Type } from 'class-transformer';
import { IsISO8601, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { DeliverySpec, ExportFilter, OutputSpec } from '../export-spec';

/** An accepted export request. Produced by api-gateway once the job exists; consumed by query. */
export class ExportRequestedValue {
  @IsUUID() jobId: string;
  @IsString() @MaxLength(128) accountId: string;
  @IsISO8601() createdAt: string;
  @ValidateNested() @Type(() => ExportFilter) filter: ExportFilter;
  @ValidateNested() @Type(() => OutputSpec) output: OutputSpec;
  @ValidateNested() @Type(() => DeliverySpec) delivery: DeliverySpec;
}
