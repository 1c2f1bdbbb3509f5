import { CUSTOM_ACTIONS, STANDARD_ACTIONS } from '@cae/contracts';

/** The values the reference allows, in one place for the DTO, the mapper and the README. */
export const SELECTABLE_ACTIONS = [...STANDARD_ACTIONS, CUSTOM_ACTIONS] as const;
export const MESSAGE_TYPES = ['batch', 'automation'] as const;
export const EXPORT_TYPES = ['csv', 'json'] as const;
export const DESTINATION_TYPES = ['aws', 'ftp', 'sftp', 's3', 'gcs'] as const;

/**
 * Export and file names: letters, digits, dashes and underscores. The reference says "letters, numbers, and
 * dashes" but its own examples use underscores (`activities_batch_march25`), so underscores are accepted too.
 * Nothing here can form a path (no dots, slashes or spaces).
 */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Column names are dot paths of field names; `__proto__`-like segments are refused. */
export const COLUMN_PATH_PATTERN =
  /^(?!.*(^|\.)(__proto__|constructor|prototype)(\.|$))[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,9}$/;

export const MAX_RECORDS_PER_FILE = 10_000_000;
