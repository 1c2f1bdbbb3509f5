import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Gunzips when the name says so; throws on an invalid gzip stream. */
export function fileText(name: string, bytes: Buffer): string {
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Parses CSV with a standard RFC 4180 parser (csv-parse), not the service's own code. */
export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, bom: false, record_delimiter: ['\r\n'] });
}

export function parseNdjson(text: string): Record<string, unknown>[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('NDJSON must end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** A value as a CSV cell, per the README: missing/null empty, objects JSON, the rest as printed. */
export function expectedCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function readPath(record: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (current, key) =>
        current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined,
      record,
    );
}
