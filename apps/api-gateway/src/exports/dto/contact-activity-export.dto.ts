import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { callbackUrlProblem, MAX_CALLBACK_URL_LENGTH } from '@cae/destination-rules';
import { ColumnHeaderDto, markRepeatedJsonLabels } from './column-header.dto';
import { DESTINATION_CLASSES, DestinationDto, toDestinationDto } from './destination.dto';
import { EXPORT_TYPES, MAX_RECORDS_PER_FILE, MESSAGE_TYPES, NAME_PATTERN, SELECTABLE_ACTIONS } from './export-options';
import { IsWithinYears, TIMESTAMP_WITH_OFFSET, timestampMessage } from '../../http/timestamps';
import { IsNotBefore } from './is-not-before.validator';
import { FollowsRule } from './rule.validator';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const ISO = { strict: true, strictSeparator: true };
const DESTINATION_SHAPE = 'destination must be an object with a type';
const ACTIONS_DOC =
  '`message-sent`, `open`, `click`, `optout`, `bounce`, `complaint`, or `custom` (every action that is not one of ' +
  'the six standard ones)';
const TIMESTAMP_DOC =
  'ISO 8601 date-time with an offset (`Z` or `+02:00`); without one (`2019-03-10T00:00:00`), or a bare date, is a ' +
  '400: the server’s time zone must not decide what is exported. The bound is inclusive, on the activity `time`.';

/** The body of `POST /v2/contactactivityexport`, field for field as the reference names them. */
@ApiExtraModels(...Object.values(DESTINATION_CLASSES))
export class ContactActivityExportDto {
  @ApiPropertyOptional({
    description:
      'Base name of the export’s files: letters, digits, dashes and underscores (the reference says letters, numbers ' +
      'and dashes, but its own examples use underscores). Absent: `export-` and the first 8 characters of the job id.',
    pattern: NAME_PATTERN.source,
    minLength: 1,
    maxLength: 128,
    example: 'ExportClickEvents',
  })
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: 'name may only contain letters, digits, dashes and underscores (1-128)' })
  name?: string;

  @ApiProperty({
    description:
      'File format, in any case. `csv`: RFC 4180, CRLF line ends, a header row when `showHeader`. `json`: one JSON ' +
      'object per line (newline-delimited), not an array; without `columnHeaders`, every exported field.',
    enum: [...EXPORT_TYPES, ...EXPORT_TYPES.map((type) => type.toUpperCase())],
    example: 'csv',
  })
  @Transform(lower)
  @IsIn(EXPORT_TYPES, { message: 'exportType must be CSV or JSON' })
  exportType: 'csv' | 'json';

  @ApiPropertyOptional({
    description: `Start of the exported timeframe. ${TIMESTAMP_DOC} Absent: from the first activity.`,
    format: 'date-time',
    example: '2017-11-01T15:28:04.124Z',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  @IsWithinYears(timestampMessage)
  selected_timeframe_start?: string;

  @ApiPropertyOptional({
    description: `End of the exported timeframe; not before \`selected_timeframe_start\`. ${TIMESTAMP_DOC} Absent: up to the last activity.`,
    format: 'date-time',
    example: '2017-11-03T15:28:04.124Z',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  @IsWithinYears(timestampMessage)
  @IsNotBefore('selected_timeframe_start', {
    message: 'selected_timeframe_end must not be before selected_timeframe_start',
  })
  selected_timeframe_end?: string;

  @ApiPropertyOptional({
    description:
      `The one action to export: ${ACTIONS_DOC}. With \`selected_action_names\` too, the union of both. ` +
      'Absent (and no `selected_action_names`): every action.',
    enum: SELECTABLE_ACTIONS,
    example: 'open',
  })
  @IsOptional()
  @IsIn(SELECTABLE_ACTIONS, { message: `selected_action_name must be one of: ${SELECTABLE_ACTIONS.join(', ')}` })
  selected_action_name?: string;

  @ApiPropertyOptional({
    description: `The actions to export, each one of: ${ACTIONS_DOC}. With \`selected_action_name\` too, the union of both.`,
    enum: SELECTABLE_ACTIONS,
    isArray: true,
    minItems: 1,
    maxItems: SELECTABLE_ACTIONS.length * 2,
    example: ['open', 'click', 'bounce', 'optout'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SELECTABLE_ACTIONS.length * 2)
  @IsIn(SELECTABLE_ACTIONS, {
    each: true,
    message: `each selected_action_names value must be one of: ${SELECTABLE_ACTIONS.join(', ')}`,
  })
  selected_action_names?: string[];

  @ApiPropertyOptional({
    description:
      'Only activities of this kind of message: `batch` (activities carrying `bmID`) or `automation` (carrying ' +
      '`mdtID`). Absent: no filter on the kind of message.',
    enum: MESSAGE_TYPES,
    example: 'batch',
  })
  @IsOptional()
  @IsIn(MESSAGE_TYPES, { message: 'selected_message_type must be batch or automation' })
  selected_message_type?: 'batch' | 'automation';

  @ApiPropertyOptional({
    description: 'Only activities of this message: its `bmID` (batch) or `mdtID` (automation) equals this value.',
    minLength: 1,
    maxLength: 256,
    example: '45:5a7d2a3cc7280b410:ot',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  selected_message_id?: string;

  @ApiPropertyOptional({
    description:
      'Adds one column per `system_properties` key found in the exported records (sorted, ' +
      '`system_properties.<key>`), after the listed columns (or after the default CSV columns, without the ' +
      '`system_properties` column). Works with any filter. A JSON export without `columnHeaders` already has every ' +
      'property.',
    default: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  showAllProperties?: boolean;

  @ApiPropertyOptional({
    description: 'CSV only: the first row of every file holds the column labels.',
    default: true,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  showHeader?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'Records per file. Set: files are `<name>-part-00001.csv`, `-part-00002`, ... (uncompressed chunks are ' +
      'uploaded as soon as each is written; compressed ones together at the end). Absent: every matching record in ' +
      'one file `<name>.csv`.',
    minimum: 1,
    maximum: MAX_RECORDS_PER_FILE,
    example: 500000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RECORDS_PER_FILE)
  limitRecordsPerFile?: number;

  @ApiPropertyOptional({
    description: 'Compresses every file with gzip; `.gz` is appended to each file name.',
    default: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  compress?: boolean;

  /** Extension to the reference: CSV cells starting with = + - @ tab or CR get a leading `'` (default false). */
  @ApiPropertyOptional({
    description:
      'Extension to the reference, CSV only: a cell (and a header label) starting with `=`, `+`, `-`, `@`, tab or CR ' +
      "is prefixed with `'` so spreadsheets show it instead of running it (CSV injection). Off by default because " +
      'it changes data.',
    default: false,
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  escapeFormulas?: boolean;

  @ApiPropertyOptional({
    description:
      'Only activities of this contact: its `cID`, `email` or any secondary identifier value equals this value. An ' +
      'unknown contact gives an empty export, not an error.',
    minLength: 1,
    maxLength: 512,
    example: 'email@example.com',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  selected_contact?: string;

  @ApiPropertyOptional({
    description:
      'Only activities of the contacts matching the rule of this saved audience (collection `audiences`). An ' +
      'unknown key is a 400 `VALIDATION_FAILED`.',
    minLength: 1,
    maxLength: 256,
    example: 'vip_members',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  selected_audience_key?: string;

  @ApiPropertyOptional({
    description:
      'When the job ends (done or failed), a notice goes to this address: job name, id, status, record count, files ' +
      'and download links. Sending is retried and never fails the export.',
    format: 'email',
    maxLength: 254,
    example: 'msmith@example.com',
  })
  @IsOptional()
  @IsEmail({}, { message: 'confirmEmail must be an email address' })
  @MaxLength(254)
  confirmEmail?: string;

  /** Extension to the reference: the job's final state is POSTed here, signed (../../callback). */
  @ApiPropertyOptional({
    description:
      'Extension to the reference: when the job ends (`done`, `failed`, or any final status), its final state is ' +
      'POSTed to this https URL as JSON, signed with the account’s callback secret (HMAC-SHA256 of `<t>.<body>` in ' +
      '`X-Signature: t=<unix seconds>,v1=<hex>`; make the secret with `POST /v2/callback-secret` first, or the ' +
      'request is refused `CALLBACK_SECRET_MISSING`). Retried with exponential backoff for about a day until ' +
      'the receiver answers 2xx; delivered at least once (dedupe on `eventId`); never fails or delays the export. ' +
      'No user name or password in the URL, no fragment; its host must be public (`CALLBACK_HOST_REFUSED`).',
    format: 'uri',
    maxLength: MAX_CALLBACK_URL_LENGTH,
    example: 'https://hooks.example.com/exports/done',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CALLBACK_URL_LENGTH)
  @FollowsRule(callbackUrlProblem)
  callbackUrl?: string;

  /** Extension to the reference: count instead of export. */
  @ApiPropertyOptional({
    description:
      'Extension to the reference: `true` creates nothing and answers 200 with the number of matching records and ' +
      'the files the export would make (names and records per file), counted with the same filter as the export ' +
      'in at most `DRY_RUN_MAX_TIME_MS` (then `timedOut`). The request is checked as for a real export (a 400 is ' +
      'the same). Not with `selected_audience_key` (a 400).',
    default: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description:
      'Where the files go, chosen by `type` (any case): `aws` (or no `destination`) keeps them in internal storage, ' +
      'downloadable from the Jobs API for 30 days; `sftp`, `ftp`, `s3` and `gcs` deliver them to your server or ' +
      'bucket. A field the chosen type does not use is refused; fields sent as `null` or `""` are ignored.',
    oneOf: Object.values(DESTINATION_CLASSES).map((type) => ({ $ref: getSchemaPath(type) })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        Object.entries(DESTINATION_CLASSES).map(([type, schema]) => [type, getSchemaPath(schema)]),
      ),
    },
  })
  @IsOptional()
  @IsObject({ message: DESTINATION_SHAPE })
  @ValidateNested({ message: DESTINATION_SHAPE })
  @Transform(toDestinationDto)
  destination?: DestinationDto;

  @ApiPropertyOptional({
    type: [ColumnHeaderDto],
    description:
      'The columns of the file, in order, each an exported field and its label. Absent: CSV has the columns `_id, ' +
      'cID, email, action, time, bmID, mdtID, mcID, message_name, first, system_properties, properties`; JSON has ' +
      'those fields when the activity has them.',
    maxItems: 500,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each columnHeaders entry must be an object with a name and a label' })
  @ValidateNested({ each: true })
  @Type(() => ColumnHeaderDto)
  @Transform(markRepeatedJsonLabels)
  columnHeaders?: ColumnHeaderDto[];
}
