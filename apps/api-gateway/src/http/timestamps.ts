/**
 * A date-time with its offset (`Z` or `+02:00`), as RFC 3339 writes it: without an offset, the server's own time
 * zone would decide which activities or jobs a bound selects.
 */
export const TIMESTAMP_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export const timestampMessage = '$property must be an ISO 8601 date-time with an offset, such as 2019-03-24T00:00:00.000Z';
