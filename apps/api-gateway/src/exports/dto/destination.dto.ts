import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { DESTINATION_TYPES } from './export-options';

type DestinationType = (typeof DESTINATION_TYPES)[number];
const needs = (...types: DestinationType[]) => (d: DestinationDto) => types.includes(d.type);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

/** `destination` of the reference. `aws` means the internal storage behind the Jobs page; the rest are external. */
export class DestinationDto {
  @Transform(lower) @IsIn(DESTINATION_TYPES, { message: `type must be one of: ${DESTINATION_TYPES.join(', ')}` })
  type: DestinationType;

  @ValidateIf(needs('ftp', 'sftp')) @IsString() @IsNotEmpty() @MaxLength(253)
  server?: string;

  @ValidateIf(needs('ftp', 'sftp')) @IsInt() @Min(1) @Max(65535)
  port?: number;

  @ValidateIf(needs('ftp', 'sftp')) @IsString() @IsNotEmpty() @MaxLength(256)
  username?: string;

  @ValidateIf(needs('ftp', 'sftp')) @IsString() @IsNotEmpty() @MaxLength(1024)
  password?: string;

  @ValidateIf(needs('s3')) @IsString() @IsNotEmpty() @MaxLength(128)
  aws_access_key_id?: string;

  @ValidateIf(needs('s3')) @IsString() @IsNotEmpty() @MaxLength(256)
  aws_secret_access_key?: string;

  @ValidateIf(needs('s3')) @IsString() @IsNotEmpty() @MaxLength(63)
  aws_bucket?: string;

  @ValidateIf(needs('s3')) @IsString() @IsNotEmpty() @MaxLength(32)
  aws_region?: string;

  @ValidateIf(needs('gcs')) @IsString() @IsNotEmpty() @MaxLength(222)
  gcs_bucket?: string;

  @ValidateIf(needs('ftp', 'sftp', 's3', 'gcs')) @IsString() @IsNotEmpty() @MaxLength(1024)
  path?: string;
}
