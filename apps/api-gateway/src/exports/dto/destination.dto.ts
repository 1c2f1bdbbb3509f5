import { plainToInstance } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  awsRegionProblem,
  canonicalFingerprint,
  controlCharacterProblem,
  gcsBucketNameProblem,
  remotePathProblem,
  s3BucketNameProblem,
  serverProblem,
} from '@cae/destination-rules';
import { DESTINATION_TYPES } from './export-options';
import { FollowsRule } from './rule.validator';

type DestinationType = (typeof DESTINATION_TYPES)[number];

/** Every destination field is refused with a control character in it: CR/LF would append FTP commands. */
const noControlCharacters = () => FollowsRule(controlCharacterProblem);
const fingerprintProblem = (text: string) =>
  canonicalFingerprint(text)
    ? null
    : 'must be an SSH host key fingerprint as `ssh-keygen -l` prints it: SHA256: and 43 base64 characters';

/**
 * `destination` of the reference, one class per `type`: a field that the chosen type does not use is refused
 * (it would otherwise be stored and echoed unchecked), and every field the type uses is checked.
 * `aws` means the internal storage behind the Jobs page; the others are the caller's own servers and buckets.
 */
export class InternalDestinationDto {
  @Equals('aws') type: 'aws';
}

/** SFTP and FTP: the reference's five fields. */
abstract class ServerDestinationDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @noControlCharacters()
  @FollowsRule(serverProblem)
  server: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @noControlCharacters()
  username: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  password: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  @FollowsRule(remotePathProblem)
  path: string;
}

export class SftpDestinationDto extends ServerDestinationDto {
  @Equals('sftp') type: 'sftp';

  /** The server's host key must have this fingerprint (`ssh-keygen -l` form); absent: the first key seen is pinned. */
  @IsOptional()
  @IsString()
  @FollowsRule(fingerprintProblem)
  hostKeyFingerprint?: string;
}

export class FtpDestinationDto extends ServerDestinationDto {
  @Equals('ftp') type: 'ftp';

  /** Refuse to log in unless the server accepts explicit TLS (AUTH TLS) with a certificate that verifies. */
  @IsOptional()
  @IsBoolean()
  requireTls?: boolean;
}

export class S3DestinationDto {
  @Equals('s3') type: 's3';

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @noControlCharacters()
  aws_access_key_id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @noControlCharacters()
  aws_secret_access_key: string;

  @IsString()
  @FollowsRule(s3BucketNameProblem)
  aws_bucket: string;

  @IsString()
  @FollowsRule(awsRegionProblem)
  aws_region: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  @FollowsRule(remotePathProblem)
  path: string;
}

export class GcsDestinationDto {
  @Equals('gcs') type: 'gcs';

  @IsString()
  @FollowsRule(gcsBucketNameProblem)
  gcs_bucket: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  @FollowsRule(remotePathProblem)
  path: string;
}

/** A `type` that is not one of the five: only the type is reported (its other fields mean nothing yet). */
export class UnknownDestinationDto {
  @IsIn(DESTINATION_TYPES, { message: `type must be one of: ${DESTINATION_TYPES.join(', ')}` })
  type: unknown;
}

export type DestinationDto =
  InternalDestinationDto | SftpDestinationDto | FtpDestinationDto | S3DestinationDto | GcsDestinationDto;

const CLASS_OF_TYPE: Record<DestinationType, new () => DestinationDto> = {
  aws: InternalDestinationDto,
  sftp: SftpDestinationDto,
  ftp: FtpDestinationDto,
  s3: S3DestinationDto,
  gcs: GcsDestinationDto,
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Builds the class of the destination's `type` (any case, as the reference shows `aws`, clients send `SFTP`).
 * Fields left empty (`null` or `""`) are dropped first: forms send every field of every type that way, and an
 * empty value carries nothing; any other value of a field the type does not use is then refused by the whitelist.
 * Anything but an object is left as it is, for `@IsObject` to refuse.
 */
export function toDestinationDto({ value }: { value: unknown }): unknown {
  if (!isPlainObject(value)) return value;
  const type = typeof value.type === 'string' ? value.type.toLowerCase() : value.type;
  const target =
    typeof type === 'string' && Object.hasOwn(CLASS_OF_TYPE, type) ? CLASS_OF_TYPE[type as DestinationType] : undefined;
  if (!target) return plainToInstance(UnknownDestinationDto, { type: value.type });
  const given = Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== ''));
  return plainToInstance(target, { ...given, type });
}
