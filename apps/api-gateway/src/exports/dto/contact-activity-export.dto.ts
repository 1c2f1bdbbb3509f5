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
import { ColumnHeaderDto, markRepeatedJsonLabels } from './column-header.dto';
import { DestinationDto, toDestinationDto } from './destination.dto';
import { EXPORT_TYPES, MAX_RECORDS_PER_FILE, MESSAGE_TYPES, NAME_PATTERN, SELECTABLE_ACTIONS } from './export-options';
import { IsWithinYears, TIMESTAMP_WITH_OFFSET, timestampMessage } from '../../http/timestamps';
import { IsNotBefore } from './is-not-before.validator';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
const ISO = { strict: true, strictSeparator: true };
const DESTINATION_SHAPE = 'destination must be an object with a type';

/** The body of `POST /v2/contactactivityexport`, field for field as the reference names them. */
export class ContactActivityExportDto {
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, { message: 'name may only contain letters, digits, dashes and underscores (1-128)' })
  name?: string;

  @Transform(lower)
  @IsIn(EXPORT_TYPES, { message: 'exportType must be CSV or JSON' })
  exportType: 'csv' | 'json';

  @IsOptional()
  @IsISO8601(ISO, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  @IsWithinYears(timestampMessage)
  selected_timeframe_start?: string;

  @IsOptional()
  @IsISO8601(ISO, { message: timestampMessage })
  @Matches(TIMESTAMP_WITH_OFFSET, { message: timestampMessage })
  @IsWithinYears(timestampMessage)
  @IsNotBefore('selected_timeframe_start', {
    message: 'selected_timeframe_end must not be before selected_timeframe_start',
  })
  selected_timeframe_end?: string;

  @IsOptional()
  @IsIn(SELECTABLE_ACTIONS, { message: `selected_action_name must be one of: ${SELECTABLE_ACTIONS.join(', ')}` })
  selected_action_name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SELECTABLE_ACTIONS.length * 2)
  @IsIn(SELECTABLE_ACTIONS, {
    each: true,
    message: `each selected_action_names value must be one of: ${SELECTABLE_ACTIONS.join(', ')}`,
  })
  selected_action_names?: string[];

  @IsOptional()
  @IsIn(MESSAGE_TYPES, { message: 'selected_message_type must be batch or automation' })
  selected_message_type?: 'batch' | 'automation';

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  selected_message_id?: string;

  @IsOptional() @IsBoolean() showAllProperties?: boolean;

  @IsOptional() @IsBoolean() showHeader?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RECORDS_PER_FILE)
  limitRecordsPerFile?: number;

  @IsOptional() @IsBoolean() compress?: boolean;

  /** Extension to the reference: CSV cells starting with = + - @ tab or CR get a leading `'` (default false). */
  @IsOptional() @IsBoolean() escapeFormulas?: boolean;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  selected_contact?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  selected_audience_key?: string;

  @IsOptional()
  @IsEmail({}, { message: 'confirmEmail must be an email address' })
  @MaxLength(254)
  confirmEmail?: string;

  @IsOptional()
  @IsObject({ message: DESTINATION_SHAPE })
  @ValidateNested({ message: DESTINATION_SHAPE })
  @Transform(toDestinationDto)
  destination?: DestinationDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each columnHeaders entry must be an object with a name and a label' })
  @ValidateNested({ each: true })
  @Type(() => ColumnHeaderDto)
  @Transform(markRepeatedJsonLabels)
  columnHeaders?: ColumnHeaderDto[];
}
