/*
 * The "New export" form and the body of `POST /v2/contactactivityexport`, both ways. Every control of the form is
 * named by the API path of its field (`name`, `destination.port`, `columnHeaders.0.label`), so a VALIDATION_FAILED
 * answer's `fields` point straight at the control to show them beside. Pure and self-contained (see format.ts): the
 * page's script and the unit tests run the same code.
 */

/** What the form holds: control values by API path; `timeZone` says how the timeframe's local times are read. */
export type FormEntries = Record<string, string | boolean | string[]>;

/** How a field's text becomes a JSON value. Fields not listed are strings, sent as typed. */
type FieldKind = 'integer' | 'flag-off' | 'flag-on' | 'timestamp' | 'list' | 'lowercase';

/**
 * The fields that are not plain strings. Flags are sent only when they differ from the API's default (a request
 * with `showHeader` left on says nothing about it), so the stored request shows what was chosen.
 */
const FIELD_KINDS: Record<string, FieldKind> = {
  exportType: 'lowercase',
  selected_timeframe_start: 'timestamp',
  selected_timeframe_end: 'timestamp',
  selected_action_names: 'list',
  showAllProperties: 'flag-off',
  showHeader: 'flag-on',
  limitRecordsPerFile: 'integer',
  compress: 'flag-off',
  escapeFormulas: 'flag-off',
  dryRun: 'flag-off',
  'destination.port': 'integer',
  'destination.requireTls': 'flag-off',
};

/** What the job resource shows instead of a secret: never put back into a form as if it were the value. */
export const REDACTED = '[REDACTED]';

/** The entry that says how the timeframe's local times are read: `UTC`, or `local` (the browser's time zone). */
export const TIME_ZONE_ENTRY = 'timeZone';

/** Offset east of UTC in minutes of a local wall-clock time; the browser's own rules when none is given. */
export type OffsetAt = (year: number, month: number, day: number, hour: number, minute: number) => number;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A `datetime-local` value (`2019-03-24T00:00`, seconds and milliseconds optional) as the API wants it: with an
 * offset, to the millisecond (`2019-03-24T00:00:00.000Z`, or `...+02:00` for a local time). Anything else is
 * returned as it is, for the API to refuse in its own words.
 */
export function toOffsetTimestamp(value: string, timeZone: string, offsetAt?: OffsetAt): string {
  const match = LOCAL_DATE_TIME.exec(value);
  if (!match) return value;
  const [, year, month, day, hour, minute, second = '00', fraction = ''] = match;
  const wallClock = `${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0')}`;
  if (timeZone !== 'local') return `${wallClock}Z`;
  const at = [year, month, day, hour, minute].map(Number) as [number, number, number, number, number];
  const offset = offsetAt
    ? offsetAt(...at)
    : -new Date(at[0], at[1] - 1, at[2], at[3], at[4], Number(second)).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${wallClock}${sign}${hours}:${minutes}`;
}

/** An API timestamp as a `datetime-local` value in UTC (`2019-03-24T00:00:00.000`); '' when it is not one. */
export function toUtcLocalValue(timestamp: string): string {
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? '' : new Date(time).toISOString().slice(0, 23);
}

/** One field's value for the body, or undefined when the field is left out. */
function bodyValue(kind: FieldKind | undefined, value: string | boolean | string[], timeZone: string): unknown {
  switch (kind) {
    case 'flag-off':
      return value === true ? true : undefined;
    case 'flag-on':
      return value === false ? false : undefined;
    case 'list':
      return Array.isArray(value) && value.length > 0 ? value : undefined;
    case 'integer':
      if (value === '') return undefined;
      // Digits become a number; anything else goes as typed, so the API's own message says what is wrong.
      return typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : value;
    case 'timestamp':
      return value === '' ? undefined : toOffsetTimestamp(String(value), timeZone);
    case 'lowercase':
      return value === '' ? undefined : String(value).toLowerCase();
    default:
      return value === '' || typeof value === 'boolean' ? undefined : value;
  }
}

/** Sets `target[a][b][0]...` along an API path; numeric segments make arrays (`columnHeaders.0.name`). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node: Record<string, unknown> | unknown[] = target;
  segments.forEach((segment, index) => {
    const key: string | number = /^\d+$/.test(segment) ? Number(segment) : segment;
    const container = node as Record<string | number, unknown>;
    if (index === segments.length - 1) {
      container[key] = value;
      return;
    }
    if (container[key] === undefined) container[key] = /^\d+$/.test(segments[index + 1]) ? [] : {};
    node = container[key] as Record<string, unknown>;
  });
}

/**
 * The body of the POST from the form's entries. Empty controls are left out (the API's defaults apply), except in
 * `columnHeaders`: every row of the form is a column, even a half-filled one, so that the API's error for
 * `columnHeaders.2.label` is the form's third row.
 */
export function toExportRequest(entries: FormEntries): Record<string, unknown> {
  const timeZone = String(entries[TIME_ZONE_ENTRY] ?? 'UTC');
  const body: Record<string, unknown> = {};
  for (const path of Object.keys(entries).sort(byColumnOrder)) {
    if (path === TIME_ZONE_ENTRY) continue;
    const raw = entries[path];
    const value = path.startsWith('columnHeaders.') ? raw : bodyValue(FIELD_KINDS[path], raw, timeZone);
    if (value !== undefined) setPath(body, path, value);
  }
  return body;
}

/** Column rows in their numeric order (`columnHeaders.10` after `.9`); the order of other fields does not matter. */
function byColumnOrder(a: string, b: string): number {
  const row = (path: string) => (/^columnHeaders\.(\d+)\./.exec(path) ?? [])[1];
  const [rowA, rowB] = [row(a), row(b)];
  if (rowA === undefined || rowB === undefined) return 0;
  return Number(rowA) - Number(rowB);
}

/**
 * The form's entries for a request (a job's `request`, or an example): what "use as template" fills in. Secrets the
 * job resource redacted (and a callbackUrl, shown as its origin only) are left empty, to be typed again; timestamps
 * are shown in UTC (the same instant).
 */
export function toFormEntries(request: Record<string, unknown>): FormEntries {
  const entries: FormEntries = { [TIME_ZONE_ENTRY]: 'UTC' };
  const put = (path: string, value: unknown) => {
    const kind = FIELD_KINDS[path];
    if (value === null || value === undefined) return;
    if (kind === 'timestamp') entries[path] = typeof value === 'string' ? toUtcLocalValue(value) : '';
    else if (kind === 'flag-on' || kind === 'flag-off') entries[path] = value === true;
    else if (kind === 'list') entries[path] = Array.isArray(value) ? value.map(String) : [];
    else if (kind === 'lowercase') entries[path] = String(value).toLowerCase();
    else if (typeof value === 'boolean') entries[path] = value;
    // A redacted secret, or a callbackUrl shown as its origin and the marker: typed again.
    else if (typeof value === 'string' && value.includes(REDACTED)) entries[path] = '';
    else entries[path] = String(value);
  };
  for (const [field, value] of Object.entries(request)) {
    if (field === 'destination' && typeof value === 'object' && value !== null) {
      for (const [inner, innerValue] of Object.entries(value)) {
        put(`destination.${inner}`, inner === 'type' ? String(innerValue).toLowerCase() : innerValue);
      }
    } else if (field === 'columnHeaders' && Array.isArray(value)) {
      value.forEach((column: { name?: unknown; label?: unknown }, index) => {
        entries[`columnHeaders.${index}.name`] = String(column?.name ?? '');
        entries[`columnHeaders.${index}.label`] = String(column?.label ?? '');
      });
    } else if (typeof value !== 'object' || Array.isArray(value)) {
      put(field, value);
    }
  }
  return entries;
}

/**
 * A new Idempotency-Key for a submission (32 hex digits): a retry of the same body sends it again, so a network
 * error between the POST and its answer never makes two jobs. `getRandomValues` works on plain http too, where
 * `randomUUID` is missing.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
