import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** Where the files go. Only a secret-free description travels on Kafka; credentials never do. */
export const DESTINATION_KINDS = ['internal', 'sftp', 'ftp', 's3', 'gcs'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which activities to export: the request's `selected_*` filters, normalised. */
export class ExportFilter {
  @IsOptional() @IsISO8601({ strict: true }) timeframeStart?: string;
  @IsOptional() @IsISO8601({ strict: true }) timeframeEnd?: string;
  /** Standard action names and/or `custom` (every custom event). Absent: every action. */
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) actions?: string[];
  @IsOptional() @IsIn(['batch', 'automation']) messageType?: 'batch' | 'automation';
  @IsOptional() @IsString() @MaxLength(256) messageId?: string;
  @IsOptional() @IsString() @MaxLength(512) contact?: string;
  @IsOptional() @IsString() @MaxLength(256) audienceKey?: string;
}

export class ColumnSpec {
  @IsString() @MaxLength(256) name: string;
  @IsString() @MaxLength(256) label: string;
}

/** How records become files. */
export class OutputSpec {
  @IsIn(EXPORT_FORMATS) format: ExportFormat;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ColumnSpec)
  columns?: ColumnSpec[];
  @IsBoolean() showHeader: boolean;
  @IsBoolean() showAllProperties: boolean;
  /** Records per file; absent means one file for the whole export. */
  @IsOptional() @IsInt() @Min(1) @Max(100_000_000) limitRecordsPerFile?: number;
  @IsBoolean() compress: boolean;
  /** CSV only: cells a spreadsheet would run as a formula are prefixed with a quote (added in v1, optional). */
  @IsOptional() @IsBoolean() escapeFormulas?: boolean;
  /** File base name, already checked to be path-safe: letters, digits, dashes, underscores. */
  @Matches(/^[A-Za-z0-9_-]{1,128}$/) fileBaseName: string;
}

/**
 * The non-secret half of a destination. Credentials (user name, password, AWS keys) never travel on Kafka: they
 * are sealed in the secret store under the job id, and the delivery service opens them when it connects.
 */
export class DeliverySpec {
  @IsIn(DESTINATION_KINDS) kind: DestinationKind;
  @IsOptional() @IsString() @MaxLength(1024) path?: string;
  /** sftp, ftp: host name or address. */
  @IsOptional() @IsString() @MaxLength(253) server?: string;
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  /** s3, gcs: bucket name. */
  @IsOptional() @IsString() @MaxLength(222) bucket?: string;
  /** s3: region. */
  @IsOptional() @IsString() @MaxLength(32) region?: string;
  /** sftp (added in v1, optional): the host key the server must present, `SHA256:<base64>`; absent: pin the first seen. */
  @IsOptional() @Matches(/^SHA256:[A-Za-z0-9+/]{43}$/) hostKeyFingerprint?: string;
  /** ftp (added in v1, optional): log in only over explicit TLS with a certificate that verifies. */
  @IsOptional() @IsBoolean() requireTls?: boolean;
}

/** The platform's standard actions; every other action name is a custom event (`custom` selects them all). */
export const STANDARD_ACTIONS = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint'] as const;
export const CUSTOM_ACTIONS = 'custom';
