import { ApiProperty } from '@nestjs/swagger';

/** The answer of `POST /v2/contactactivityexport` (202), as the OpenAPI document shows it. */
export class ExportAccepted {
  @ApiProperty({
    format: 'uuid',
    description: 'Id of the new job; `GET /v2/jobs/{jobId}` (the `Location` header) reads it at once.',
    example: '8c275474-e636-46a5-a139-a8e40af646a3',
  })
  jobId: string;

  @ApiProperty({ description: 'The export’s `name`, or its default.', example: 'activities_batch_march25' })
  name: string;

  @ApiProperty({ enum: ['pending'], description: 'Always `pending`: the job is queued.', example: 'pending' })
  status: string;
}

/** One file a dry run says the export would make. */
export class DryRunFile {
  @ApiProperty({
    description:
      'The file’s name, as the job would list it (`<name>.csv`, `<name>-part-00001.csv`, `.gz` when compressed). ' +
      'Without `name` in the request, `export-xxxxxxxx`: the job would be named after the first 8 characters of ' +
      'its id, which only the real request gets.',
    example: 'activities_batch_march25-part-00001.csv.gz',
  })
  name: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Records the file would hold; `null` when the count timed out.',
    example: 100000,
  })
  records: number | null;
}

/** The answer of `POST /v2/contactactivityexport` with `"dryRun": true` (200). */
export class DryRunResult {
  @ApiProperty({ enum: [true], description: 'Always `true`: nothing was created.', example: true })
  dryRun: boolean;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The export’s `name`; `null` when the request has none.',
    example: 'activities_batch_march25',
  })
  name: string | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'Matching records: what the job’s `totalItems` would be for an export started at `countedAt` (activities ' +
      'stored later are not counted, as an export leaves them out). `null` when counting took longer than the ' +
      'gateway allows (`DRY_RUN_MAX_TIME_MS`, 10 s by default): see `timedOut`.',
    example: 472,
  })
  count: number | null;

  @ApiProperty({
    description:
      '`true` when the count took too long and was stopped (`count` is then `null`): the export would still run. ' +
      'Narrow the timeframe to count a part of it.',
    example: false,
  })
  timedOut: boolean;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'Files the export would make: 1 without `limitRecordsPerFile` (also when nothing matches: the header alone), ' +
      'else one per `limitRecordsPerFile` records. `null` when the count timed out and `limitRecordsPerFile` is set.',
    example: 1,
  })
  fileCount: number | null;

  @ApiProperty({
    type: [DryRunFile],
    description: 'The first 100 of those files, in order (empty when their number is unknown).',
  })
  files: DryRunFile[];

  @ApiProperty({
    format: 'date-time',
    description: 'When the activities were counted: those stored up to the end of this second.',
    example: '2019-03-26T10:00:00.000Z',
  })
  countedAt: string;
}
