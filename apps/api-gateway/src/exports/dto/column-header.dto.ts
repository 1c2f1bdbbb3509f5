import { IsString, Matches, MaxLength, MinLength, registerDecorator } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { expandAlias, EXPORTED_FIELDS, FIELD_ALIASES, NESTED_FIELDS } from '@cae/formats';
import { COLUMN_PATH_PATTERN } from './export-options';

/** Set by markRepeatedJsonLabels on a column whose label an earlier column of a JSON export already uses. */
const REPEATS = Symbol('repeats');

export class ColumnHeaderDto {
  /** A field of the activity (dot path into nested fields) or one of Cordial's short names (`a`, `ats`, `sp`). */
  @ApiProperty({
    description:
      `Name of the field in the platform: one of \`${EXPORTED_FIELDS.join(' ')}\`, or a dot path into ` +
      `${NESTED_FIELDS.map((field) => `\`${field}\``).join(' or ')} (\`system_properties.bt\`). Short names are ` +
      `accepted: ${Object.entries(FIELD_ALIASES)
        .map(([alias, field]) => `\`${alias}\` = \`${field}\``)
        .join(', ')}.`,
    pattern: COLUMN_PATH_PATTERN.source,
    example: 'email',
  })
  @IsString()
  @Matches(COLUMN_PATH_PATTERN, { message: 'name must be a field name or dot path such as system_properties.bt' })
  @IsExportedField()
  name: string;

  @ApiProperty({
    description:
      'Label of the column in the file: the CSV header, or the key of the JSON object (written as given). In a JSON ' +
      'export two columns may not share a label.',
    minLength: 1,
    maxLength: 256,
    example: 'Contact Email',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @IsNotRepeatedJsonKey()
  label: string;

  [REPEATS]?: number;
}

/**
 * In a JSON export, labels are the keys of each line's object: two columns with one label would silently keep
 * only the last. Marks each repeated label with the index of the column that used it first (CSV headers may repeat).
 */
export function markRepeatedJsonLabels({ value, obj }: { value: unknown; obj: Record<string, unknown> }): unknown {
  if (!Array.isArray(value) || typeof obj.exportType !== 'string' || obj.exportType.toLowerCase() !== 'json')
    return value;
  const firstUse = new Map<string, number>();
  value.forEach((column: ColumnHeaderDto, index) => {
    if (!(column instanceof ColumnHeaderDto) || typeof column.label !== 'string') return;
    const first = firstUse.get(column.label);
    if (first === undefined) firstUse.set(column.label, index);
    else column[REPEATS] = first;
  });
  return value;
}

function IsNotRepeatedJsonKey() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotRepeatedJsonKey',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (_value: unknown, args) => (args?.object as ColumnHeaderDto)[REPEATS] === undefined,
        defaultMessage: (args) =>
          `label repeats the label of columnHeaders.${(args?.object as ColumnHeaderDto)[REPEATS]}; keys of a JSON line must be unique`,
      },
    });
}

/** The first segment must be an exported field (after aliases); only objects can be reached into. */
function IsExportedField() {
  const problem = (name: string): string | null => {
    const [field, ...rest] = expandAlias(name).split('.');
    if (!(EXPORTED_FIELDS as readonly string[]).includes(field))
      return `name must start with an exported field: ${EXPORTED_FIELDS.join(', ')} (or a, ats, sp)`;
    if (rest.length > 0 && !NESTED_FIELDS.includes(field))
      return `name ${field} has no fields inside it; only ${NESTED_FIELDS.join(' and ')} do`;
    return null;
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isExportedField',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || problem(value) === null,
        defaultMessage: (args) => problem(String(args?.value)) ?? '',
      },
    });
}
