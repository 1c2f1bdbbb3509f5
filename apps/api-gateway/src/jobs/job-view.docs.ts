import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_ERROR_CODES } from '@cae/contracts';
import { JOB_STATUSES } from './list-jobs.query';

/*
 * The answers of the Jobs API, as the OpenAPI document shows them (what job-view.ts builds). The unit test of the
 * document compares these with real answers of toJobView and toFileView: a field added there without a doc here
 * fails it.
 */

export class JobFileResource {
  @ApiProperty({
    description: 'File name: `<name>.csv`, `<name>-part-00001.csv`, ... with `.gz` when compressed.',
    example: 'activities_batch_march25.csv',
  })
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Records in the file.', example: 472 })
  records: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Size of the file in bytes.', example: 94787 })
  bytes: number;

  @ApiProperty({
    description: 'SHA-256 of the file’s bytes, lowercase hex (also the `X-Content-SHA256` header of the download).',
    pattern: '^[0-9a-f]{64}$',
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  })
  sha256: string;

  @ApiPropertyOptional({
    description: 'External destinations: where the file was delivered (never with credentials).',
    example: 'sftp://sftp.example.com:22/upload/activities_batch_march25.csv',
  })
  location?: string;

  @ApiPropertyOptional({
    description: 'Internal storage: the path to download the file from (`GET /v2/jobs/{jobId}/files/{fileName}`).',
    example: '/v2/jobs/8c275474-e636-46a5-a139-a8e40af646a3/files/activities_batch_march25.csv',
  })
  url?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Internal storage: when the file is deleted (30 days after delivery, or when its job was cancelled).',
    example: '2019-04-25T10:00:00.000Z',
  })
  expiresAt?: string;

  @ApiPropertyOptional({
    description:
      'Internal storage: true once `expiresAt` has passed, or once the file was removed because its job was ' +
      'cancelled (`expiresAt` is then when); the download then answers 410 `FILE_EXPIRED`.',
    example: false,
  })
  expired?: boolean;
}

export class JobErrorResource {
  @ApiProperty({
    enum: JOB_ERROR_CODES,
    description: 'Why the job failed, stable and machine-readable (codes are added, never renamed).',
    example: 'AUTH_FAILED',
  })
  code: string;

  @ApiProperty({
    description: 'What to fix, in words; never contains a secret.',
    example: 'the FTP server refused the user name or password',
  })
  message: string;
}

export class JobResource {
  @ApiProperty({ format: 'uuid', description: 'Id of the job.', example: '8c275474-e636-46a5-a139-a8e40af646a3' })
  jobId: string;

  @ApiProperty({ enum: ['contactactivityexport'], description: 'The kind of job.', example: 'contactactivityexport' })
  jobName: string;

  @ApiProperty({ description: 'The export’s `name` (or its default).', example: 'activities_batch_march25' })
  name: string;

  @ApiProperty({
    enum: JOB_STATUSES,
    description:
      '`pending` (accepted, not started), `processing`, then `done` or `failed` (with `error`). A cancel request ' +
      '(`DELETE /v2/jobs/{jobId}`) makes a pending or processing job `cancelling` (it is being stopped everywhere), ' +
      'then `cancelled` (stopped, its partial files removed). `done`, `failed` and `cancelled` are final.',
    example: 'done',
  })
  status: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    description: 'Records matching the request; null until they are counted.',
    example: 472,
  })
  totalItems: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Records in delivered files.', example: 472 })
  completedItems: number;

  @ApiProperty({ format: 'date-time', description: 'When the job was created.' })
  createdAt: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When work on it started; null while pending.',
  })
  startedAt: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When it ended (done, failed or cancelled); null before.',
  })
  endedAt: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The request as it was sent, with `password`, `aws_access_key_id` and `aws_secret_access_key` replaced by ' +
      '`[REDACTED]`.',
  })
  request: Record<string, unknown>;

  @ApiProperty({
    type: [JobFileResource],
    description:
      'The first 100 delivered files, in chunk order (a failed or cancelled job’s files are what was delivered before ' +
      'it failed or the cancel was requested; a cancelled job’s files in internal storage are removed: `expired`).',
  })
  files: JobFileResource[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'How many files were delivered; above 100, `filesUrl` lists them all.',
  })
  fileCount: number;

  @ApiProperty({
    description: 'Path of the job’s files, a page at a time (`GET /v2/jobs/{jobId}/files`).',
    example: '/v2/jobs/8c275474-e636-46a5-a139-a8e40af646a3/files',
  })
  filesUrl: string;

  @ApiPropertyOptional({ type: JobErrorResource, description: 'Failed jobs only: why.' })
  error?: JobErrorResource;
}

export class JobPage {
  @ApiProperty({ type: [JobResource], description: 'The account’s jobs, newest first.' })
  items: JobResource[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page.',
  })
  nextCursor: string | null;
}

export class JobFilePage {
  @ApiProperty({ type: [JobFileResource], description: 'The job’s files, in chunk order.' })
  items: JobFileResource[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page.',
  })
  nextCursor: string | null;
}
