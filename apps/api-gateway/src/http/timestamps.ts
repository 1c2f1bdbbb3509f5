import { registerDecorator } from 'class-validator';

/**
 * A date-time with its offset (`Z` or `+02:00`), as RFC 3339 writes it: without an offset, the server's own time
 * zone would decide which activities or jobs a bound selects.
 */
export const TIMESTAMP_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export const timestampMessage =
  '$property must be an ISO 8601 date-time with an offset, such as 2019-03-24T00:00:00.000Z';

/**
 * The instant, once in UTC, is within the years 0000-9999 (`9999-12-31T23:59:59-23:59` is in year 10000 in UTC,
 * which ISO 8601's basic form and the internal contract cannot write).
 */
export function IsWithinYears(message: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWithinYears',
      target: target.constructor,
      propertyName,
      options: { message },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return true;
          const at = Date.parse(value);
          return Number.isNaN(at) || /^\d{4}-/.test(new Date(at).toISOString());
        },
      },
    });
}
