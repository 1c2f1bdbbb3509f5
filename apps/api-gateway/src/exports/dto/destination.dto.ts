import { plainToInstance } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

/** The `type` property of each destination class: one value, in any case on the wire. */
const typeProperty = (type: DestinationType, what: string) =>
  ApiProperty({ description: `\`${type}\` (any case): ${what}.`, enum: [type], example: type });
const PATH_RULES = 'No `..` segments and no control characters.';

/**
 * `destination` of the reference, one class per `type`: a field that the chosen type does not use is refused
 * (it would otherwise be stored and echoed unchecked), and every field the type uses is checked.
 * `aws` means the internal storage behind the Jobs page; the others are the caller's own servers and buckets.
 */
export class InternalDestinationDto {
  @typeProperty('aws', 'internal storage; the files are downloadable from the Jobs API for 30 days')
  @Equals('aws')
  type: 'aws';
}

/** SFTP and FTP: the reference's five fields. */
abstract class ServerDestinationDto {
  @ApiProperty({
    description:
      'Host name or IP address of the server: no scheme, port, path, IPv6 zone id or trailing dot. A host that ' +
      'resolves to a private, loopback, link-local or metadata address is refused (`DESTINATION_HOST_REFUSED`).',
    minLength: 1,
    maxLength: 255,
    example: 'sftp.example.com',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @noControlCharacters()
  @FollowsRule(serverProblem)
  server: string;

  @ApiProperty({ type: 'integer', description: 'Port of the server.', minimum: 1, maximum: 65535, example: 22 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @ApiProperty({ description: 'User name to log in with.', minLength: 1, maxLength: 256, example: 'username' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @noControlCharacters()
  username: string;

  @ApiProperty({
    description:
      'Password to log in with. Sealed at rest, never logged or put on Kafka, `[REDACTED]` in the job resource.',
    format: 'password',
    minLength: 1,
    maxLength: 1024,
    example: 'password',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  password: string;

  @ApiProperty({
    description: `Folder the files are written to (\`./\` is the login folder): \`<path>/<file name>\`. ${PATH_RULES}`,
    minLength: 1,
    maxLength: 1024,
    example: '/upload',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  @FollowsRule(remotePathProblem)
  path: string;
}

export class SftpDestinationDto extends ServerDestinationDto {
  @typeProperty('sftp', 'an SFTP server; files are uploaded under a temporary name and renamed when complete')
  @Equals('sftp')
  type: 'sftp';

  /** The server's host key must have this fingerprint (`ssh-keygen -l` form); absent: the first key seen is pinned. */
  @ApiPropertyOptional({
    description:
      'The server’s host key must have this fingerprint, as `ssh-keygen -l` prints it (`SHA256:` and 43 base64 ' +
      'characters); otherwise nothing is sent (`HOST_KEY_MISMATCH`). Absent: the first key seen is pinned for the ' +
      'account.',
    example: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  })
  @IsOptional()
  @IsString()
  @FollowsRule(fingerprintProblem)
  hostKeyFingerprint?: string;
}

export class FtpDestinationDto extends ServerDestinationDto {
  @typeProperty('ftp', 'an FTP server, passive mode, explicit TLS whenever the server offers it')
  @Equals('ftp')
  type: 'ftp';

  /** Refuse to log in unless the server accepts explicit TLS (AUTH TLS) with a certificate that verifies. */
  @ApiPropertyOptional({
    description:
      'Refuse to log in unless the server accepts explicit TLS (AUTH TLS) with a certificate that verifies ' +
      '(`TLS_REQUIRED`, `TLS_CERTIFICATE_INVALID`); the credentials are then never sent in clear.',
    default: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  requireTls?: boolean;
}

export class S3DestinationDto {
  @typeProperty('s3', 'an Amazon S3 bucket, written with your access key')
  @Equals('s3')
  type: 's3';

  @ApiProperty({
    description: 'Access key id of the AWS credentials. `[REDACTED]` in the job resource.',
    minLength: 1,
    maxLength: 128,
    example: 'A1234567890',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  @noControlCharacters()
  aws_access_key_id: string;

  @ApiProperty({
    description: 'Secret access key of the AWS credentials. Sealed at rest, `[REDACTED]` in the job resource.',
    format: 'password',
    minLength: 1,
    maxLength: 256,
    example: 'B1234567890',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @noControlCharacters()
  aws_secret_access_key: string;

  @ApiProperty({
    description:
      'Bucket name, by AWS’s naming rules (plus `_`, as the reference’s own example `my_bucket` has it). The ' +
      'platform’s own buckets are refused (`DESTINATION_BUCKET_REFUSED`).',
    example: 'my_bucket',
  })
  @IsString()
  @FollowsRule(s3BucketNameProblem)
  aws_bucket: string;

  @ApiProperty({ description: 'Region code of the bucket.', example: 'us-west-2' })
  @IsString()
  @FollowsRule(awsRegionProblem)
  aws_region: string;

  @ApiProperty({
    description:
      'Folder, or folder and file name: the leading slash is ignored (`folder` and `/folder/` are the same place). ' +
      'A last segment with a dot names the file: `/folder/contactsExport.csv` gives `folder/contactsExport.csv` ' +
      `(chunked \`folder/contactsExport-part-00001.csv\`). ${PATH_RULES}`,
    minLength: 1,
    maxLength: 1024,
    example: '/folder/contactsExport.csv',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  @noControlCharacters()
  @FollowsRule(remotePathProblem)
  path: string;
}

export class GcsDestinationDto {
  @typeProperty('gcs', 'a Google Cloud Storage bucket, written with this service’s own identity')
  @Equals('gcs')
  type: 'gcs';

  @ApiProperty({
    description:
      'Bucket name, by Google’s naming rules. The bucket must be registered by the account and hold its token ' +
      '(`POST /v2/destinations/gcs-buckets`), or the job fails `BUCKET_NOT_VERIFIED`.',
    example: 'bucketname',
  })
  @IsString()
  @FollowsRule(gcsBucketNameProblem)
  gcs_bucket: string;

  @ApiProperty({
    description: `Folder in the bucket: \`/contactactivities\` gives \`contactactivities/<file name>\`. ${PATH_RULES}`,
    minLength: 1,
    maxLength: 1024,
    example: '/contactactivities',
  })
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

/** The class of each destination `type` (also the `oneOf` of `destination` in the OpenAPI document). */
export const DESTINATION_CLASSES: Readonly<Record<DestinationType, new () => DestinationDto>> = {
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
    typeof type === 'string' && Object.hasOwn(DESTINATION_CLASSES, type)
      ? DESTINATION_CLASSES[type as DestinationType]
      : undefined;
  if (!target) return plainToInstance(UnknownDestinationDto, { type: value.type });
  const given = Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== ''));
  return plainToInstance(target, { ...given, type });
}
