import { Column, readPath } from './columns';

/**
 * One newline-delimited JSON line. Without columns, the whole record; with columns, an object keyed by label
 * whose values keep their JSON types (a missing value is `null`, so every line has every key).
 */
export function jsonLine(record: Record<string, unknown>, columns: Column[] | null): string {
  if (!columns) return `${JSON.stringify(record)}\n`;
  // No prototype, so a label such as `__proto__` is written as the key it is instead of vanishing.
  const out: Record<string, unknown> = Object.create(null);
  for (const column of columns) out[column.label] = readPath(record, column.path) ?? null;
  return `${JSON.stringify(out)}\n`;
}
