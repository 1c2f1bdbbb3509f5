import { ColumnSpec } from '@cae/contracts';

export interface Column {
  /** Dot path into the record, after alias expansion. */
  path: string;
  label: string;
}

/**
 * Cordial's stored short names, accepted in `columnHeaders[].name` (the reference's "send properties" list):
 * `a` = action, `ats` = time, `sp` = system_properties. Only the first path segment is expanded.
 */
export const FIELD_ALIASES: Readonly<Record<string, string>> = { a: 'action', ats: 'time', sp: 'system_properties' };

/** Columns of a CSV export without `columnHeaders`, in this order. Objects are written as JSON. */
export const DEFAULT_CSV_COLUMNS: readonly string[] = [
  '_id',
  'cID',
  'email',
  'action',
  'time',
  'bmID',
  'mdtID',
  'mcID',
  'message_name',
  'first',
  'system_properties',
  'properties',
];

export function expandAlias(path: string): string {
  const [head, ...rest] = path.split('.');
  const expanded = FIELD_ALIASES[head] ?? head;
  return [expanded, ...rest].join('.');
}

/** The columns of an export: the requested ones (labels as given), or the default set labelled by name. */
export function resolveColumns(requested: ColumnSpec[] | undefined, format: 'csv' | 'json'): Column[] | null {
  if (requested && requested.length > 0) {
    return requested.map(({ name, label }) => ({ path: expandAlias(name), label }));
  }
  return format === 'csv' ? DEFAULT_CSV_COLUMNS.map((path) => ({ path, label: path })) : null;
}

/** Reads a dot path; `undefined` when any segment is missing. Own properties only (no prototype walk). */
export function readPath(record: Record<string, unknown>, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
