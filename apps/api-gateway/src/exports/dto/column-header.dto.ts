import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { COLUMN_PATH_PATTERN } from './export-options';

export class ColumnHeaderDto {
  /** A field of the activity (dot path into nested fields) or one of Cordial's short names (`a`, `ats`, `sp`). */
  @IsString() @Matches(COLUMN_PATH_PATTERN, { message: 'name must be a field name or dot path such as system_properties.bt' })
  name: string;

  @IsString() @MinLength(1) @MaxLength(256)
  label: string;
}
