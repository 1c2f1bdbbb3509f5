import { Column, readPath } from './columns';

/** A cell as text: missing and null are empty, objects and arrays JSON, everything else as printed. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and quotes inside are doubled. */
export function quoteCsv(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: string[]): string {
  return `${cells.map(quoteCsv).join(',')}\r\n`;
}

/** The header row; with `escapeFormulas`, labels are defused like cells (a label is caller text too). */
export function csvHeader(columns: Column[], escapeFormulas = false): string {
  return csvLine(columns.map((column) => (escapeFormulas ? escapeFormula(column.label) : column.label)));
}

/** First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a formula-like cell with `'`, which spreadsheets show as text and do not run. */
export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvRecord(record: Record<string, unknown>, columns: Column[], escapeFormulas = false): string {
  return csvLine(
    columns.map((column) => {
      const text = cellText(readPath(record, column.path));
      return escapeFormulas ? escapeFormula(text) : text;
    }),
  );
}
